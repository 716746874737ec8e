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
}
