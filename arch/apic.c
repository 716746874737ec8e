/*
 * Local APIC access.  In xAPIC mode the registers are 32-bit MMIO at the
 * base from IA32_APIC_BASE (identity mapped); in x2APIC mode they are MSRs
 * 0x800 + offset/16, and the ICR is one 64-bit MSR write with the
 * destination in the high half (SDM Vol. 3A, 12.12 "Extended XAPIC").
 *
 * The APIC is shared with the guest, which may switch its CPU's APIC to
 * x2APIC mode or move its base: every access therefore asks
 * IA32_APIC_BASE for this CPU's mode and base now, never a copy from boot.
 */
#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/cpuid.h"
#include "arch/msr.h"
#include "kernel/log.h"

#define APIC_REG_ID             0x020
#define APIC_REG_TPR            0x080
#define APIC_REG_EOI            0x0B0
#define APIC_REG_SVR            0x0F0
#define APIC_REG_ISR            0x100   /* eight 32-bit registers, 0x10 apart: vectors 0-255 */
#define APIC_REG_ESR            0x280
#define APIC_REG_ICR_LOW        0x300
#define APIC_REG_ICR_HIGH       0x310

#define SVR_APIC_ENABLE         (1u << 8)
#define SVR_SPURIOUS_VECTOR     0xFF

#define ICR_DELIVERY_FIXED      (0u << 8)
#define ICR_DELIVERY_SMI        (2u << 8)
#define ICR_DELIVERY_NMI        (4u << 8)
#define ICR_DELIVERY_INIT       (5u << 8)
#define ICR_DELIVERY_STARTUP    (6u << 8)
#define ICR_SEND_PENDING        (1u << 12)
#define ICR_LEVEL_ASSERT        (1u << 14)

static bool boot_x2apic;      /* the mode the firmware left the boot CPU in */
static bool boot_mode_known;

bool apic_x2apic_mode(void)
{
	return boot_x2apic;
}

uint64_t apic_base_address(void)
{
	return rdmsr(IA32_APIC_BASE) & APIC_BASE_ADDRESS_MASK;
}

static bool x2apic_now(void)
{
	return rdmsr(IA32_APIC_BASE) & APIC_BASE_X2APIC_ENABLE;
}

static uint32_t apic_read(uint32_t reg)
{
	uint64_t base = rdmsr(IA32_APIC_BASE);

	if (base & APIC_BASE_X2APIC_ENABLE)
		return (uint32_t)rdmsr(IA32_X2APIC_FIRST + reg / 16);
	return ((volatile uint32_t *)(uintptr_t)(base & APIC_BASE_ADDRESS_MASK))[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t value)
{
	uint64_t base = rdmsr(IA32_APIC_BASE);

	if (base & APIC_BASE_X2APIC_ENABLE)
		wrmsr(IA32_X2APIC_FIRST + reg / 16, value);
	else
		((volatile uint32_t *)(uintptr_t)(base & APIC_BASE_ADDRESS_MASK))[reg / 4] = value;
}

void apic_init_this_cpu(void)
{
	uint64_t base = rdmsr(IA32_APIC_BASE);

	if (!boot_mode_known) {
		/* The boot CPU: keep the mode the firmware chose. */
		boot_x2apic = (base & APIC_BASE_X2APIC_ENABLE) != 0;
		boot_mode_known = true;
	}
	if (!(base & APIC_BASE_ENABLE))
		wrmsr(IA32_APIC_BASE, base |= APIC_BASE_ENABLE);
	if (boot_x2apic && !(base & APIC_BASE_X2APIC_ENABLE))
		wrmsr(IA32_APIC_BASE, base | APIC_BASE_X2APIC_ENABLE);
	apic_write(APIC_REG_SVR, SVR_APIC_ENABLE | SVR_SPURIOUS_VECTOR);
}

void apic_reclaim_this_cpu(void)
{
	uint64_t base = rdmsr(IA32_APIC_BASE);

	if (!(base & APIC_BASE_ENABLE))
		wrmsr(IA32_APIC_BASE, base | APIC_BASE_ENABLE);
	apic_write(APIC_REG_TPR, 0);
	apic_write(APIC_REG_SVR, SVR_APIC_ENABLE | SVR_SPURIOUS_VECTOR);
}

void apic_software_disable(void)
{
	/* The SVR's reset value: software disabled, spurious vector 0xFF (SDM Vol. 3A, 12.4.7.1). */
	apic_write(APIC_REG_SVR, SVR_SPURIOUS_VECTOR);
}

uint32_t apic_id(void)
{
	if (x2apic_now())
		return (uint32_t)rdmsr(IA32_X2APIC_APICID);
	return apic_read(APIC_REG_ID) >> 24;
}

static bool wait_icr_idle(void)
{
	if (x2apic_now())
		return true;    /* x2APIC ICR writes are not pending (SDM Vol. 3A, 12.12.9) */
	for (unsigned i = 0; i < 1000000; i++) {
		if (!(apic_read(APIC_REG_ICR_LOW) & ICR_SEND_PENDING))
			return true;
		cpu_relax();
	}
	return false;
}

static bool send_ipi(uint32_t destination, uint32_t command)
{
	if (!wait_icr_idle())
		return false;
	if (x2apic_now()) {
		wrmsr(IA32_X2APIC_ICR, ((uint64_t)destination << 32) | command);
	} else {
		apic_write(APIC_REG_ESR, 0);
		apic_write(APIC_REG_ICR_HIGH, destination << 24);
		apic_write(APIC_REG_ICR_LOW, command);
	}
	return wait_icr_idle();
}

bool apic_send_init(uint32_t destination)
{
	return send_ipi(destination, ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT);
}

bool apic_send_startup(uint32_t destination, uint8_t vector_page)
{
	return send_ipi(destination, ICR_DELIVERY_STARTUP | ICR_LEVEL_ASSERT | vector_page);
}

/* SMI delivery: the vector field must be 0 (SDM Vol. 3A, 12.6.1 "Interrupt Command Register"). */
bool apic_send_smi(uint32_t destination)
{
	return send_ipi(destination, ICR_DELIVERY_SMI | ICR_LEVEL_ASSERT);
}

bool apic_send_nmi(uint32_t destination)
{
	return send_ipi(destination, ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT);
}

bool apic_send_fixed(uint32_t destination, uint8_t vector)
{
	return send_ipi(destination, ICR_DELIVERY_FIXED | ICR_LEVEL_ASSERT | vector);
}

void apic_eoi(void)
{
	apic_write(APIC_REG_EOI, 0);
}

void apic_eoi_vector(unsigned vector)
{
	uint32_t svr = apic_read(APIC_REG_SVR);

	if (vector != (svr & 0xFF)) {
		apic_eoi();
		return;
	}
	/*
	 * A real interrupt with the spurious vector's number (a guest may send
	 * fixed IPIs of vector 0xFF at a CPU it runs on, left pending when
	 * veneer takes the CPU back).  An EOI clears the highest in-service
	 * bit whatever its vector (SDM Vol. 3A, "End-of-Interrupt"), but Bochs
	 * ignores one while that vector is the spurious vector: 0xFF would stay
	 * in service and block every interrupt below it, veneer's wake-up IPI
	 * included.  So the spurious vector moves aside for the EOI.
	 */
	apic_write(APIC_REG_SVR, (svr & ~0xFFu) | ((svr - 0x10) & 0xFF));
	apic_eoi();
	apic_write(APIC_REG_SVR, svr);
}

/* Before apic_init_this_cpu() on the boot CPU, or with the APIC off, there is no APIC to ask: an exception is an exception. */
static bool apic_ready(void)
{
	return boot_mode_known && (rdmsr(IA32_APIC_BASE) & APIC_BASE_ENABLE);
}

bool apic_in_service(unsigned vector)
{
	return apic_ready() && vector < 256 && (apic_read(APIC_REG_ISR + (vector / 32) * 0x10) >> (vector % 32)) & 1;
}

int apic_highest_in_service(void)
{
	if (!apic_ready())
		return -1;
	for (unsigned reg = 8; reg-- > 0;) {
		uint32_t bits = apic_read(APIC_REG_ISR + reg * 0x10);
		if (bits)
			return (int)(reg * 32 + 31 - (unsigned)__builtin_clz(bits));
	}
	return -1;
}
