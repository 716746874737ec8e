#include "kernel/format.h"
#include "kernel/log.h"
#include "vmx/exit_reasons.h"
#include "vmx/exit_stats.h"
#include "vmx/vcpu.h"

uint64_t vcpu_exits_total(const struct vcpu *vcpu)
{
	uint64_t total = 0;

	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
		total += vcpu->exit_count[r];
	return total;
}

#ifdef VENEER_COUNT_VMCS_ACCESSES
/*
 * Exits of each reason by how many VMREADs + VMWRITEs they took, per CPU:
 * here rather than in struct vcpu, which must fit the page the pool plan
 * counts for it (vmx/guest/smp.c).
 */
static uint32_t vmcs_accesses[VMCS_COUNTED_CPUS][EXIT_REASON_COUNT][VMCS_ACCESS_BUCKETS];

void exit_stats_count_vmcs_accesses(struct vcpu *vcpu, unsigned reason, uint64_t accesses)
{
	if (reason < EXIT_REASON_COUNT && vcpu->cpu_id < VMCS_COUNTED_CPUS)
		vmcs_accesses[vcpu->cpu_id][reason][accesses < VMCS_ACCESS_BUCKETS ? accesses : VMCS_ACCESS_BUCKETS - 1]++;
}

/*
 * One line per exit reason seen: "vmcs accesses per CPUID exit: 4 x1100, 5 x3"
 * (1100 exits took 4 VMREADs + VMWRITEs, 3 took 5).  make bench reads it.
 */
static void print_vmcs_accesses(const struct vcpu *vcpu)
{
	if (vcpu->cpu_id >= VMCS_COUNTED_CPUS)
		return;
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++) {
		char line[400];
		size_t len = 0;
		const char *separator = ":";

		if (!vcpu->exit_count[r])
			continue;
		len += (size_t)format(line, sizeof(line), "stats: vmcs accesses per %s exit", vmx_exit_reason_name(r));
		for (unsigned n = 0; n < VMCS_ACCESS_BUCKETS && len < sizeof(line) - 1; n++) {
			uint32_t exits = vmcs_accesses[vcpu->cpu_id][r][n];
			if (!exits)
				continue;
			len += (size_t)format(line + len, sizeof(line) - len, "%s %u%s x%u", separator, n,
					      n == VMCS_ACCESS_BUCKETS - 1 ? "+" : "", exits);
			separator = ",";
		}
		pr_info("%s", line);
	}
}
#endif

/* One line: "stats: 1234 exits: CPUID 200, VMCALL 30, ...", busiest reasons first. */
void exit_stats_print(const struct vcpu *vcpu)
{
	char line[400];
	size_t len = 0;
	bool printed[EXIT_REASON_COUNT] = { false };
	const char *separator = ":";

	len += (size_t)format(line, sizeof(line), "stats: %llu exits", (unsigned long long)vcpu_exits_total(vcpu));
	for (;;) {
		unsigned best = EXIT_REASON_COUNT;
		for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
			if (!printed[r] && vcpu->exit_count[r] &&
			    (best == EXIT_REASON_COUNT || vcpu->exit_count[r] > vcpu->exit_count[best]))
				best = r;
		if (best == EXIT_REASON_COUNT || len >= sizeof(line) - 1)
			break;
		printed[best] = true;
		len += (size_t)format(line + len, sizeof(line) - len, "%s %s %llu", separator,
				      vmx_exit_reason_name(best), (unsigned long long)vcpu->exit_count[best]);
		separator = ",";
	}
	pr_info("%s", line);
#ifdef VENEER_COUNT_VMCS_ACCESSES
	print_vmcs_accesses(vcpu);
#endif
}
