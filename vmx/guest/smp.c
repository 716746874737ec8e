#include "arch/apic.h"
#include "arch/cpu.h"
#include "arch/msr.h"
#include "arch/mtrr.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "kernel/shutdown.h"
#include "kernel/smp.h"
#include "kernel/string.h"
#include "vmx/ept.h"
#include "vmx/guest/guest.h"
#include "vmx/guest/io.h"
#include "vmx/guest/local_apic.h"
#include "vmx/guest/memory.h"
#include "vmx/guest/paging.h"
#include "vmx/guest/smp.h"
#include "vmx/guest/instruction_decode.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_root.h"

/* kernel/memory_plan.h counts one page per vCPU in the pool's size. */
_Static_assert(sizeof(struct vcpu) <= 4096, "a vCPU outgrew the page POOL_PAGES_PER_CPU counts for it");

/* Local APIC registers and ICR fields (SDM Vol. 3A, 12.6.1 "Interrupt Command Register"). */
#define APIC_ICR_LOW            0x300
#define APIC_ICR_HIGH           0x310
#define ICR_DELIVERY_MODE(v)    (((v) >> 8) & 7)
#define ICR_DELIVERY_INIT       5
#define ICR_DELIVERY_STARTUP    6
#define ICR_LEVEL_ASSERT        (1u << 14)
#define ICR_DESTINATION_LOGICAL (1u << 11)
#define ICR_SHORTHAND(v)        (((v) >> 18) & 3)
#define SHORTHAND_NONE          0
#define SHORTHAND_SELF          1
#define SHORTHAND_ALL           2
#define SHORTHAND_ALL_BUT_SELF  3

uint64_t guest_apic_page;

static void ap_guest_loop(void);
static void ap_guest_wait_for_sipi(void);

/* The state of a CPU waiting for a SIPI: real mode, as INIT leaves it; the SIPI replaces CS:IP. */
static void load_init_state(struct vcpu *vcpu, unsigned vector, uint32_t activity)
{
	struct guest_entry e = {
		.mode = GUEST_ENTRY_REAL_MODE,
		.activity_state = activity,
		.real_mode_segment = (uint16_t)(vector << 8),  /* CS = vector << 8, IP = 0 */
	};

	vcpu_load_guest_state(vcpu, &e);
}

void guest_smp_start(struct guest *guest, enum sipi_method method)
{
	const struct percpu *self = this_cpu();
	unsigned parked = 0;

	if (method == SIPI_WAIT && !vmx_has_wait_for_sipi_activity(vmx_caps())) {
		pr_warn("guest: sipi=wait, but this CPU has no wait-for-SIPI activity state; intercepting INIT and SIPI");
		method = SIPI_INTERCEPT;
	}

	for (unsigned id = 0; id < MAX_CPUS; id++) {
		struct percpu *cpu = percpu_of(id);
		if (!cpu || cpu == self || !cpu->online)
			continue;
		struct vcpu *v = alloc_pages((sizeof(struct vcpu) + 4095) / 4096);
		v->guest = guest;
		v->waiting_for_sipi = true;
		cpu->guest_vcpu = v;
		smp_give_work(cpu, method == SIPI_WAIT ? ap_guest_wait_for_sipi : ap_guest_loop);
		parked++;
	}
	if (method == SIPI_WAIT) {
		pr_info("guest: %u more CPU(s) wait in the guest for its INIT-SIPI-SIPI (wait-for-SIPI activity state)",
			parked);
		return;
	}
	if (parked == 0)
		return;         /* nothing to start: the guest's APIC writes need not exit */
	/* Writes to the APIC page exit; reads go to the real APIC. */
	guest_apic_page = rdmsr(IA32_APIC_BASE) & APIC_BASE_ADDRESS_MASK;
	if (ept_map_page(&guest->ept, guest_apic_page, guest_apic_page,
			 EPT_READ | ((uint64_t)MTRR_TYPE_UC << EPT_MEMORY_TYPE_SHIFT)) != EPT_OK)
		pr_error("guest: cannot write-protect the local APIC page: the guest cannot start its other CPUs");
	pr_info("guest: %u more CPU(s) wait for the guest's INIT-SIPI-SIPI", parked);
}

/*
 * sipi=wait: the AP enters the guest at once, in the wait-for-SIPI
 * activity state; the guest's INIT and SIPI reach it through the hardware
 * and come back as INIT and SIPI exits (handle_init_signal, handle_sipi).
 */
static void ap_guest_wait_for_sipi(void)
{
	struct vcpu *v = this_cpu()->guest_vcpu;

	memset(&v->entry, 0, sizeof(v->entry));
	v->entry.mode = GUEST_ENTRY_REAL_MODE;
	v->entry.activity_state = GUEST_ACTIVITY_WAIT_FOR_SIPI;
	vcpu_run(v);
}

bool handle_init_signal(struct vcpu *vcpu)
{
	/* INIT resets the CPU and leaves it waiting for a SIPI (SDM Vol. 3C, "INIT Signals"). */
	vmx_note_latched_init();
	if (vcpu->cpu_id == 0)
		return guest_init_to_boot_cpu(vcpu);
	load_init_state(vcpu, 0, GUEST_ACTIVITY_WAIT_FOR_SIPI);
	return true;
}

bool handle_sipi(struct vcpu *vcpu)
{
	unsigned vector = (unsigned)(vmcs_readn(EXIT_QUALIFICATION) & 0xFF);

	/*
	 * A vCPU in the wait-for-SIPI state has no other exit (its preemption
	 * timer does not count there): at the run's end veneer sends it a SIPI
	 * of its own (kernel/smp.c, stop_other_cpus) to bring it out.
	 */
	if (vcpu_leave_for_shutdown(vcpu))
		return false;
	load_init_state(vcpu, vector, GUEST_ACTIVITY_ACTIVE);
	pr_info("vcpu: CPU %u received the guest's SIPI: start at %04x:0000 in real mode", vcpu->cpu_id, vector << 8);
	return true;
}

/*
 * sipi=intercept, on an AP, as its work: the vCPU waits for the guest's
 * SIPI, runs, and waits again after an INIT, or after halting for good:
 * that is how an operating system parks a CPU it takes offline (Linux:
 * HLT with interrupts off), and INIT-SIPI-SIPI brings it back.
 */
static void ap_guest_loop(void)
{
	struct vcpu *v = this_cpu()->guest_vcpu;

	for (;;) {
		while (!__atomic_load_n(&v->sipi_pending, __ATOMIC_SEQ_CST) && !shutdown_in_progress)
			asm volatile("sti; hlt; cli" : : : "memory");
		if (shutdown_in_progress)
			return;
		unsigned vector = v->sipi_vector;
		v->sipi_pending = false;
		memset(&v->entry, 0, sizeof(v->entry));
		v->entry.mode = GUEST_ENTRY_REAL_MODE;
		v->entry.real_mode_segment = (uint16_t)(vector << 8);  /* CS = vector << 8, IP = 0 */
		v->entry.rip = 0;
		/* INIT left the APIC's registers at their reset values (SDM Vol. 3A, 12.4.7.3); the guest sets it up again. */
		apic_software_disable();
		__atomic_store_n(&v->in_guest, true, __ATOMIC_SEQ_CST);
		vcpu_run(v);
		/* vcpu_run gave the APIC back to veneer: from here on a SIPI needs the wake-up IPI. */
		__atomic_store_n(&v->in_guest, false, __ATOMIC_SEQ_CST);
		if (v->end != GUEST_END_INIT && v->end != GUEST_END_HALTED)
			return;         /* crashed, or the run ends: this CPU goes idle */
	}
}

static void deliver(struct vcpu *target, struct percpu *cpu, unsigned mode, unsigned vector)
{
	if (mode == ICR_DELIVERY_INIT) {
		/* INIT to a running vCPU resets it: it leaves at its next exit and waits for a SIPI again. */
		target->waiting_for_sipi = true;
		if (target->state == VCPU_RUNNING && cpu->vcpu == target)
			target->pending_init = true;
		return;
	}
	if (!target->waiting_for_sipi)
		return;         /* a SIPI is ignored unless the CPU waits for one (the second of the pair) */
	target->waiting_for_sipi = false;
	target->sipi_vector = vector;
	__atomic_store_n(&target->sipi_pending, true, __ATOMIC_SEQ_CST);
	/*
	 * A vCPU still in the guest (its INIT not yet taken) finds the SIPI when
	 * it leaves; the wake-up vector would reach the guest instead.  Both
	 * sides store, then load, sequentially consistent: one of them sees the other.
	 */
	if (!__atomic_load_n(&target->in_guest, __ATOMIC_SEQ_CST))
		apic_send_fixed(cpu->apic_id, VECTOR_WAKEUP);
	pr_debug("guest: SIPI to the vCPU on CPU %u: start at %#x:0000", cpu->cpu_id, vector << 8);
}

/* An ICR write of the guest: INIT and SIPI go to vCPUs; everything else to the real APIC. */
static bool emulate_icr(uint32_t low, uint32_t destination)
{
	unsigned mode = ICR_DELIVERY_MODE(low);

	if (mode != ICR_DELIVERY_INIT && mode != ICR_DELIVERY_STARTUP)
		return false;
	if (mode == ICR_DELIVERY_INIT && !(low & ICR_LEVEL_ASSERT))
		return true;            /* INIT level de-assert: nothing to do */
	if (low & ICR_DESTINATION_LOGICAL && ICR_SHORTHAND(low) == SHORTHAND_NONE) {
		pr_warn("guest: INIT/SIPI with a logical destination is not supported; ignored");
		return true;
	}
	struct percpu *self = this_cpu();
	for (unsigned id = 0; id < MAX_CPUS; id++) {
		struct percpu *cpu = percpu_of(id);
		/* The boot CPU has no guest_vcpu; while it runs the guest, cpu->vcpu is its vCPU (an INIT to it is a reset). */
		struct vcpu *target = cpu && cpu->guest_vcpu ? cpu->guest_vcpu : cpu && cpu->cpu_id == 0 ? cpu->vcpu : NULL;
		if (!cpu || !cpu->online || !target)
			continue;
		bool hit;
		switch (ICR_SHORTHAND(low)) {
		case SHORTHAND_NONE:
			hit = cpu->apic_id == destination;
			break;
		case SHORTHAND_ALL:
			/*
			 * INIT and SIPI with "all including self" are invalid ICR
			 * combinations, their effect undefined (SDM Vol. 3A, "Valid
			 * Combinations for the Local xAPIC Interrupt Command
			 * Register"): veneer delivers them to the others only.
			 */
		case SHORTHAND_ALL_BUT_SELF:
			hit = cpu != self;
			break;
		default:
			/* "Self" is valid with fixed delivery only (the same table): INIT or SIPI this way goes nowhere. */
			hit = false;
			if (cpu == self)
				pr_warn("guest: CPU %u sent %s with the 'self' shorthand, which the APIC does not deliver; "
					"ignored", self->cpu_id, mode == ICR_DELIVERY_INIT ? "INIT" : "a SIPI");
			break;
		}
		if (hit && cpu == self && mode == ICR_DELIVERY_INIT && self->cpu_id != 0)
			pr_info("guest: CPU %u sent INIT to itself: it waits for a SIPI, as the processor would",
				self->cpu_id);
		if (hit)
			deliver(target, cpu, mode, low & 0xFF);
	}
	return true;
}

void guest_apic_page_follow(struct guest *guest, uint64_t old_page, uint64_t new_page)
{
	if (!guest_apic_page || guest_apic_page != old_page)
		return;         /* no interception, or another CPU's APIC moved first */
	uint64_t uc = (uint64_t)MTRR_TYPE_UC << EPT_MEMORY_TYPE_SHIFT;
	if (ept_map_page(&guest->ept, old_page, old_page, EPT_RWX | uc) != EPT_OK ||
	    ept_map_page(&guest->ept, new_page, new_page, EPT_READ | uc) != EPT_OK) {
		pr_error("guest: cannot move the write-protected local APIC page to %#llx: the guest cannot start "
			 "its other CPUs from there", (unsigned long long)new_page);
		return;
	}
	guest_apic_page = new_page;
	ept_invalidate_context(guest->ept.eptp);
	pr_info("guest: the local APIC moved from %#llx to %#llx; its interrupt command register is intercepted there",
		(unsigned long long)old_page, (unsigned long long)new_page);
}

void guest_x2apic_icr_write(uint64_t value)
{
	if (!emulate_icr((uint32_t)value, (uint32_t)(value >> 32)))
		wrmsr(IA32_X2APIC_ICR, value);
}

static bool read_guest_physical(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct vcpu *vcpu = ctx;

	return guest_memory_read(vcpu->guest, gpa, buf, len) == GUEST_MEMORY_OK;
}

/* The instruction at the guest's RIP, as many bytes as can be read (up to 15). */
static size_t fetch_instruction(struct vcpu *vcpu, uint8_t *bytes)
{
	uint32_t cs_rights = vmcs_read32(GUEST_CS_ACCESS_RIGHTS);
	bool long_mode = cs_rights & (1u << 13);
	struct guest_paging_state paging = {
		.cr0 = vmcs_readn(GUEST_CR0),
		.cr3 = vmcs_readn(GUEST_CR3),
		.cr4 = vmcs_readn(GUEST_CR4),
		.efer = vmcs_read64(GUEST_IA32_EFER),
		.pdpte = { vmcs_read64(GUEST_PDPTE0), vmcs_read64(GUEST_PDPTE1), vmcs_read64(GUEST_PDPTE2),
			   vmcs_read64(GUEST_PDPTE3) },
		.use_pdpte_fields = true,
	};
	uint64_t linear = (long_mode ? 0 : vmcs_readn(GUEST_CS_BASE)) + vmcs_readn(GUEST_RIP);

	/* The instruction may end before a page the guest cannot read: try shorter. */
	for (size_t n = X86_MAX_INSTRUCTION_LENGTH; n > 0; n--)
		if (guest_read_linear(&paging, linear, bytes, n, read_guest_physical, vcpu) == GUEST_WALK_OK)
			return n;
	return 0;
}

bool guest_apic_page_write(struct vcpu *vcpu, uint64_t gpa)
{
	uint8_t bytes[X86_MAX_INSTRUCTION_LENGTH];
	size_t n = fetch_instruction(vcpu, bytes);
	uint32_t cs_rights = vmcs_read32(GUEST_CS_ACCESS_RIGHTS);
	unsigned mode_bits = (cs_rights & (1u << 13)) ? 64 : (cs_rights & (1u << 14)) ? 32 : 16;
	struct mmio_store store;

	if (n == 0 || decode_mmio_store(bytes, n, mode_bits, &store) != DECODE_OK || store.is_exchange) {
		vcpu_stop(vcpu, GUEST_END_FATAL_EXIT, "an instruction veneer cannot emulate wrote the local APIC");
		return false;
	}
	uint64_t source = 0;
	if (!store.immediate)
		source = store.source_register == REGISTER_INDEX_RSP && !store.source_high_byte
			 ? vmcs_readn(GUEST_RSP) : get_reg_of_index(&vcpu->regs, store.source_register);
	uint32_t value = (uint32_t)mmio_store_value(&store, source);
	unsigned offset = (unsigned)(gpa & 0xFFF);
	volatile uint32_t *apic = (volatile uint32_t *)(uintptr_t)guest_apic_page;

	if (!guest_apic_xapic(vcpu)) {
		/* A globally disabled APIC (or one in x2APIC mode) does not answer at its page. */
		pr_debug("guest: ignored a write to local APIC offset %#x: the APIC is not in xAPIC mode", offset);
	} else if (offset != APIC_ICR_LOW || !emulate_icr(value, apic[APIC_ICR_HIGH / 4] >> 24)) {
		if (store.size == 4 && !(offset & 3))
			apic[offset / 4] = value;
		else
			pr_warn("guest: ignored a %u-byte write to local APIC offset %#x", store.size, offset);
	}
	vmcs_writen(GUEST_RIP, vmcs_readn(GUEST_RIP) + store.length);
	return guest_take_pending_init(vcpu);    /* an INIT it sent itself stops it after this write */
}

bool guest_take_pending_init(struct vcpu *vcpu)
{
	if (!vcpu->pending_init)
		return true;
	if (vcpu->cpu_id == 0)
		return guest_init_to_boot_cpu(vcpu);
	pr_info("vcpu: CPU %u took INIT while running the guest: it waits for a SIPI", vcpu->cpu_id);
	vcpu->state = VCPU_STOPPED;
	vcpu->end = GUEST_END_INIT;
	return false;
}
