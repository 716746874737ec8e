/*
 * kernel_main: the boot CPU's path from the 32-bit entry to a running
 * hypervisor.  The order matters: exceptions first (so every later mistake
 * is reported), then the boot information and the command line (they say
 * where to log), then memory, then everything that allocates.
 */
#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/descriptors.h"
#include "arch/exceptions.h"
#include "arch/paging.h"
#include "arch/tsc.h"
#include "kernel/acpi.h"
#include "kernel/config.h"
#include "kernel/debugcon.h"
#include "kernel/fault_injection.h"
#include "kernel/fbcon.h"
#include "kernel/log.h"
#include "kernel/memory.h"
#include "kernel/multiboot2.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "kernel/serial.h"
#include "kernel/shutdown.h"
#include "kernel/smbase.h"
#include "kernel/smp.h"
#include "kernel/string.h"
#include "kernel/version.h"
#include "kernel/vga_text.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/boot.h"
#include "vmx/guest/smp.h"
#include "vmx/guest/smram.h"
#include "vmx/vcpu.h"
#include "vmx/vcpu_controls.h"
#include "vmx/vmx_root.h"

void kernel_main(uint32_t magic, uint32_t info_address);

/* The largest boot information structure we accept; a UEFI memory map of a big machine fits easily. */
#define BOOT_INFO_MAX (1u << 20)

static struct cpu_descriptors boot_cpu_descriptors;
static struct mb2_info boot_info;
static struct veneer_config config;

static void warn_option(void *ctx, const char *option, const char *problem)
{
	(void)ctx;
	pr_warn("command line: ignoring '%s': %s", option, problem);
}

/* Without valid boot information nothing else can be trusted: tell the user on every console we can reach without it. */
static void __attribute__((noreturn)) fail_boot_information(const struct mb2_error *err)
{
	serial_console_init(SERIAL_COM1);
	vga_text_init_legacy();
	pr_error("boot information from the boot loader is malformed: %s", err->message);
	pr_error("veneer cannot trust its memory map; check the boot loader (GRUB 2, 'multiboot2' command)");
	shutdown(EXIT_BAD_BOOT_INFO);
}

/*
 * The boot information moves into veneer's own memory: GRUB left it where
 * a guest kernel may load its segments, and every string and table of
 * boot_info points into it.
 */
static void keep_boot_information(void)
{
	struct mb2_error err;
	size_t size = (size_t)boot_info.info_size;
	void *copy = alloc_pages((size + 4095) / 4096);

	memcpy(copy, (const void *)(uintptr_t)boot_info.info_start, size);
	if (mb2_parse(copy, size, &boot_info, &err) != MB2_OK)
		fail_boot_information(&err);
}

static struct guest guest;
static struct vcpu boot_vcpu;

/* Loads the guest from its module and runs it on this CPU; returns how the run should end. */
static enum exit_code run_guest(const struct mb2_module *module)
{
	char error[200];

	if (!vcpu_controls_init())
		return EXIT_NO_VMX;
	if (!guest_boot_prepare(&guest, &boot_info, config.guest_module, config.linux_entry, error,
				sizeof(error))) {
		pr_error("guest: cannot boot module %u%s%s%s: %s", config.guest_module,
			 module ? " '" : "", module ? module->cmdline : "", module ? "'" : "", error);
		return EXIT_GUEST_FAILED;
	}
	if (!smram_secure(config.smram == SMRAM_UNCHECKED, config.simulate == SIMULATE_UNKNOWN_CHIPSET) ||
	    !guest_init(&guest))
		return EXIT_GUEST_FAILED;
	boot_vcpu.guest = &guest;
	boot_vcpu.entry = guest.entry;
	log_write_through();
	guest_smp_start(&guest, config.sipi);
	pr_debug("memory: %llu KiB of the hypervisor pool left after the start (kernel/memory_plan.h sizes it)",
		 (unsigned long long)(page_alloc_free_bytes() >> 10));
	if (!guest.protect_serial && serial_console_port()) {
		pr_info("console: lending the serial port to the guest; veneer's log comes back here after it");
		serial_console_lend();
	}
	enum guest_end end = vcpu_run(&boot_vcpu);
	serial_console_take_back();
	pr_info("guest: ended: %s", guest_end_name(end));
	/* A guest that shut down, or halted for good, ended the way it chose; anything else is a failure. */
	if ((end == GUEST_END_SHUTDOWN_REQUEST && boot_vcpu.end_code == 0) || end == GUEST_END_HALTED ||
	    end == GUEST_END_POWER_OFF || end == GUEST_END_RESET)
		return EXIT_SUCCESS;
	if (end == GUEST_END_SHUTDOWN_REQUEST)
		pr_error("guest: shut down with failure code %llu", (unsigned long long)boot_vcpu.end_code);
	return EXIT_GUEST_FAILED;
}

static void start_screen_console(const struct framebuffer_info *fb)
{
	switch (fb->kind) {
	case FRAMEBUFFER_RGB:
		if (!fbcon_init(fb))
			pr_warn("console: cannot draw on the %ux%u %u bpp framebuffer", fb->width, fb->height, fb->bpp);
		break;
	case FRAMEBUFFER_EGA_TEXT:
		vga_text_init(fb);
		break;
	case FRAMEBUFFER_INDEXED:
		pr_warn("console: the framebuffer is palette-indexed; no screen console");
		break;
	case FRAMEBUFFER_NONE:
		/* A BIOS machine left in text mode by the boot loader; a UEFI machine would have given a framebuffer. */
		if (!boot_info.booted_from_efi)
			vga_text_init_legacy();
		break;
	}
}

void kernel_main(uint32_t magic, uint32_t info_address)
{
	struct mb2_error err;

	(void)magic;            /* checked by the 32-bit entry */
	percpu_init_boot_cpu(&boot_cpu_descriptors);
	idt_build();
	descriptors_load(&boot_cpu_descriptors);

	/* Readable: at most BOOT_INFO_MAX bytes, and nothing past the 4 GiB the boot page tables map. */
	const uint32_t *info = (const uint32_t *)(uintptr_t)info_address;
	uint64_t mapped = (4ULL << 30) - info_address;
	size_t available = mapped < BOOT_INFO_MAX ? (size_t)mapped : BOOT_INFO_MAX;
	if (mb2_parse(info, available, &boot_info, &err) != MB2_OK)
		fail_boot_information(&err);

	config_defaults(&config);
	config_parse(&config, boot_info.cmdline, warn_option, NULL);
	log_set_level(config.loglevel);
	shutdown_set_method(config.exit_method);
	if (config.serial_port && !serial_console_init(config.serial_port))
		pr_warn("console: no UART answers at port %#x; no serial console", config.serial_port);
	if (config.debugcon)
		debugcon_init();

	printk(LOG_ALWAYS, "veneer %s: Intel VMX micro-hypervisor", VENEER_VERSION);
	pr_info("boot: loaded by %s from %s firmware", boot_info.bootloader_name ? boot_info.bootloader_name : "an unnamed boot loader",
		boot_info.booted_from_efi ? "UEFI" : "BIOS");
	pr_info("boot: command line '%s'", boot_info.cmdline);
	for (size_t i = 0; i < boot_info.module_count; i++)
		pr_debug("boot: module %zu [%#llx-%#llx) '%s'", i, (unsigned long long)boot_info.modules[i].start,
			(unsigned long long)boot_info.modules[i].end, boot_info.modules[i].cmdline);

	memory_init(&boot_info, &config, acpi_count_cpus(&boot_info));
	keep_boot_information();
	uint64_t fb_end = boot_info.framebuffer.address +
			  (uint64_t)boot_info.framebuffer.pitch * boot_info.framebuffer.height;
	paging_init(fb_end > memory_map_limit() ? align_up(fb_end, 1ULL << 30) : memory_map_limit());
	start_screen_console(&boot_info.framebuffer);

	fault_inject(config.fault);

	tsc_calibrate();
	apic_init_this_cpu();
	acpi_init(&boot_info);
	smp_start_cpus(config.max_cpus);
	memory_release_trampoline();
	smbase_move_all();
	memory_report_kept();

	if (config.simulate == SIMULATE_VMX_OFF_BY_FIRMWARE)
		vmx_simulate_firmware_lock();
	vmx_init();
	shutdown_cpu_teardown = vmx_disable_this_cpu;
	exception_nmi_for_guest = vcpu_nmi_for_guest;
	if (!smp_call_on_all(vmx_enable_this_cpu)) {
		pr_error("vmx: not every CPU ran VMXON in time");
		shutdown(EXIT_VMX_FAILED);
	}
	if (vmx_failed_cpus()) {
		pr_error("vmx: %u of %u CPUs could not enter VMX root operation", vmx_failed_cpus(), smp_cpu_count());
		shutdown(EXIT_VMX_FAILED);
	}
	pr_info("vmx: all %u CPUs in VMX root operation", smp_cpu_count());

	if (boot_info.module_count == 0) {
		pr_info("boot: done; no guest module was given, so there is nothing to run");
		shutdown(EXIT_SUCCESS);
	}
	shutdown(run_guest(config.guest_module < boot_info.module_count ? &boot_info.modules[config.guest_module] : NULL));
}
