/* The guest's IA32_APIC_BASE, carried out on the shared local APIC (see local_apic.h for the choices). */
#include "arch/apic.h"
#include "arch/cpuid.h"
#include "arch/msr.h"
#include "kernel/log.h"
#include "kernel/memory.h"
#include "kernel/page_alloc.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "vmx/apic_base.h"
#include "vmx/guest/local_apic.h"
#include "vmx/guest/smp.h"
#include "vmx/msr_bitmap.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

/* The guest's MSR bitmap with the x2APIC registers intercepted too: for a vCPU whose APIC is off while the real one stays in x2APIC mode. */
static uint8_t *x2apic_off_bitmap;
static struct spinlock bitmap_lock = SPINLOCK_INIT;

static const uint8_t *bitmap_trapping_x2apic(const struct guest *guest)
{
	spin_lock(&bitmap_lock);
	if (!x2apic_off_bitmap) {
		uint8_t *b = alloc_pages(1);
		memcpy(b, guest->msr_bitmap, MSR_BITMAP_SIZE);
		for (uint32_t msr = IA32_X2APIC_FIRST; msr <= IA32_X2APIC_LAST; msr++)
			msr_bitmap_intercept(b, msr, true, true);
		x2apic_off_bitmap = b;
	}
	spin_unlock(&bitmap_lock);
	return x2apic_off_bitmap;
}

bool guest_apic_x2apic(const struct vcpu *vcpu)
{
	return apic_state_of(vcpu->apic_base) == APIC_STATE_X2APIC;
}

bool guest_apic_xapic(const struct vcpu *vcpu)
{
	return apic_state_of(vcpu->apic_base) == APIC_STATE_XAPIC;
}

/* The x2APIC MSRs pass through exactly when the guest's and the real APIC agree on x2APIC mode. */
static void select_msr_bitmap(struct vcpu *vcpu)
{
	bool real_x2apic = rdmsr(IA32_APIC_BASE) & APIC_BASE_X2APIC_ENABLE;
	const uint8_t *bitmap = real_x2apic && !guest_apic_x2apic(vcpu) ? bitmap_trapping_x2apic(vcpu->guest)
									 : vcpu->guest->msr_bitmap;

	vmcs_write64(MSR_BITMAP, (uint64_t)(uintptr_t)bitmap);
}

void guest_apic_vcpu_start(struct vcpu *vcpu)
{
	/* Power-on: what the real APIC says; INIT leaves IA32_APIC_BASE as it was (SDM Vol. 3A, 12.12.5.1). */
	if (!vcpu->apic_base)
		vcpu->apic_base = rdmsr(IA32_APIC_BASE);
	select_msr_bitmap(vcpu);
}

static bool base_acceptable(uint64_t base)
{
	uint64_t reach = memory_map_limit();

	if (range_set_overlaps(&memory_layout()->owned, base, base + 0x1000)) {
		pr_warn("vcpu: refused guest IA32_APIC_BASE at %#llx: that is veneer's memory",
			(unsigned long long)base);
		return false;
	}
	if (reach < (4ULL << 30))
		reach = 4ULL << 30;
	if (base + 0x1000 > reach) {
		pr_warn("vcpu: refused guest IA32_APIC_BASE at %#llx: beyond veneer's identity map (%#llx)",
			(unsigned long long)base, (unsigned long long)reach);
		return false;
	}
	return true;
}

/* The real APIC leaves x2APIC mode: only through the disabled state (SDM Vol. 3A, 12.12.5.2). */
static void real_x2apic_to_xapic(uint64_t value)
{
	wrmsr(IA32_APIC_BASE, value & ~(APIC_BASE_ENABLE | APIC_BASE_X2APIC_ENABLE));
	wrmsr(IA32_APIC_BASE, value);
	if (!(rdmsr(IA32_APIC_BASE) & APIC_BASE_ENABLE))
		pr_error("vcpu: the CPU did not enable its local APIC again after leaving x2APIC mode (Bochs never "
			 "does): the guest and veneer lose this CPU's APIC");
}

bool guest_apic_base_write(struct vcpu *vcpu, uint64_t value)
{
	uint64_t current = vcpu->apic_base;
	bool has_x2apic = cpuid(1, 0).ecx & CPUID_1_ECX_X2APIC;
	const char *why = apic_base_write_fault(current, value, cpu_max_phys_addr_bits(), has_x2apic);

	if (why) {
		pr_debug("vcpu: guest IA32_APIC_BASE %#llx -> %#llx: #GP: %s", (unsigned long long)current,
			 (unsigned long long)value, why);
		return false;
	}
	uint64_t base = value & APIC_BASE_ADDRESS_MASK;
	if (base != (current & APIC_BASE_ADDRESS_MASK) && !base_acceptable(base))
		return false;

	uint64_t real = rdmsr(IA32_APIC_BASE);
	/* The BSP flag stays the CPU's; the guest reads back what it wrote. */
	uint64_t real_value = (value & ~APIC_BASE_BSP) | (real & APIC_BASE_BSP);

	switch (apic_state_of(value)) {
	case APIC_STATE_DISABLED:
		/* The real APIC stays globally enabled, in its mode and place; it only stops taking interrupts. */
		if (apic_state_of(current) != APIC_STATE_DISABLED)
			apic_software_disable();
		break;
	case APIC_STATE_XAPIC:
		if (real & APIC_BASE_X2APIC_ENABLE)
			real_x2apic_to_xapic(real_value);
		else if (real_value != real)
			wrmsr(IA32_APIC_BASE, real_value);
		break;
	case APIC_STATE_X2APIC:
		if (real_value != real)
			wrmsr(IA32_APIC_BASE, real_value);
		break;
	case APIC_STATE_INVALID:
		return false;   /* apic_base_write_fault refused it already */
	}
	vcpu->apic_base = value;
	if (base != (current & APIC_BASE_ADDRESS_MASK))
		guest_apic_page_follow(vcpu->guest, current & APIC_BASE_ADDRESS_MASK, base);
	select_msr_bitmap(vcpu);
	return true;
}
