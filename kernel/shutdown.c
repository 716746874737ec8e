/*
 * The end of a run.  In an emulator the exit code reaches the test harness
 * (QEMU: isa-debug-exit; Bochs: the final log line, then its shutdown
 * port); on real hardware the CPUs halt and the screen keeps the log.
 */
#include "arch/cpu.h"
#include "arch/io.h"
#include "kernel/log.h"
#include "kernel/serial.h"
#include "kernel/shutdown.h"

#define QEMU_DEBUG_EXIT_PORT    0xF4    /* -device isa-debug-exit,iobase=0xf4,iosize=4 */
#define BOCHS_SHUTDOWN_PORT     0x8900

static enum exit_method method = EXIT_METHOD_HALT;
static volatile int shutting_down;

void (*shutdown_stop_other_cpus)(void);
uint64_t shutdown_vcpu_exit_interval_us;
volatile bool shutdown_in_progress;
void (*shutdown_cpu_teardown)(void);

static const char *const exit_code_names[EXIT_CODE_COUNT] = {
	[EXIT_SUCCESS] = "success",
	[EXIT_PANIC] = "panic",
	[EXIT_FAULT] = "fault",
	[EXIT_BAD_BOOT_INFO] = "bad boot information",
	[EXIT_OUT_OF_MEMORY] = "out of memory",
	[EXIT_NO_VMX] = "no VMX",
	[EXIT_VMX_DISABLED] = "VMX disabled by firmware",
	[EXIT_VMX_FAILED] = "VMX failure",
	[EXIT_GUEST_FAILED] = "guest failed",
};

const char *exit_code_name(enum exit_code code)
{
	if ((unsigned)code < EXIT_CODE_COUNT && exit_code_names[code])
		return exit_code_names[code];
	return "unknown";
}

static enum machine_action machine_action = MACHINE_HALT;
static uint16_t machine_action_port;
static uint32_t machine_action_value;

void shutdown_set_machine_action(enum machine_action action, uint16_t port, uint32_t value)
{
	machine_action = action;
	machine_action_port = port;
	machine_action_value = value;
}

/* On real hardware, finish what the guest asked for, now that veneer has left VMX operation. */
static void do_machine_action(void)
{
	switch (machine_action) {
	case MACHINE_POWER_OFF:
		outw(machine_action_port, (uint16_t)machine_action_value);
		break;
	case MACHINE_RESET:
		outb(0xCF9, 0x02);
		outb(0xCF9, 0x06);      /* hard reset through the reset control register */
		outb(0x64, 0xFE);       /* or the keyboard controller's reset line */
		break;
	case MACHINE_HALT:
		break;
	}
}

void shutdown_set_method(enum exit_method m)
{
	method = m;
}

void shutdown(enum exit_code code)
{
	/* Only the first CPU to get here ends the run; any other waits to be stopped. */
	if (__atomic_exchange_n(&shutting_down, 1, __ATOMIC_SEQ_CST))
		halt_forever();
	shutdown_in_progress = true;
	if (shutdown_stop_other_cpus)
		shutdown_stop_other_cpus();
	if (shutdown_cpu_teardown)
		shutdown_cpu_teardown();
	serial_console_take_back();

	printk(LOG_ALWAYS, "veneer: exit %d (%s)", code, exit_code_name(code));
	log_flush();    /* the harness reads the exit line; the exit port ends the emulator at once */

	switch (method) {
	case EXIT_METHOD_QEMU:
		/* QEMU exits with status (code << 1) | 1. */
		outl(QEMU_DEBUG_EXIT_PORT, (uint32_t)code);
		break;
	case EXIT_METHOD_BOCHS:
		for (const char *s = "Shutdown"; *s; s++)
			outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
		break;
	case EXIT_METHOD_HALT:
		do_machine_action();
		break;
	}
	/* Not in that emulator after all, or halt requested: stop here. */
	if (method != EXIT_METHOD_HALT)
		pr_warn("the exit port did not end the emulator; halting");
	halt_forever();
}
