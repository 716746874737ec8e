/*
 * Exit-qualification decoders.  Pure: the host unit tests compile it too.
 */
#include "kernel/format.h"
#include "vmx/exit_qualification.h"

static bool bit(uint64_t value, unsigned n)
{
	return (value >> n) & 1;
}

struct ept_violation_qualification vmx_decode_ept_violation(uint64_t q)
{
	return (struct ept_violation_qualification){
		.read                   = bit(q, 0),
		.write                  = bit(q, 1),
		.fetch                  = bit(q, 2),
		.readable               = bit(q, 3),
		.writable               = bit(q, 4),
		.executable             = bit(q, 5),
		.user_executable        = bit(q, 6),
		.linear_address_valid   = bit(q, 7),
		.translated_access      = bit(q, 7) && bit(q, 8),
		.user_mode_address      = bit(q, 9),
		.linear_writable        = bit(q, 10),
		.linear_execute_disable = bit(q, 11),
		.nmi_unblocking         = bit(q, 12),
	};
}

size_t ept_violation_describe(uint64_t qualification, char *buf, size_t len)
{
	struct ept_violation_qualification v = vmx_decode_ept_violation(qualification);
	const char *access, *where;
	char page[24];
	int n;

	switch ((v.read ? 1 : 0) | (v.write ? 2 : 0) | (v.fetch ? 4 : 0)) {
	case 1:  access = "read"; break;
	case 2:  access = "write"; break;
	case 3:  access = "read and write"; break;
	case 4:  access = "instruction fetch"; break;
	case 5:  access = "read and instruction fetch"; break;
	case 6:  access = "write and instruction fetch"; break;
	case 7:  access = "read, write and instruction fetch"; break;
	default: access = "unspecified"; break;
	}

	if (!v.readable && !v.writable && !v.executable)
		format(page, sizeof(page), "that is not present");
	else
		format(page, sizeof(page), "mapped %c%c%c", v.readable ? 'r' : '-',
		       v.writable ? 'w' : '-', v.executable ? 'x' : '-');

	if (!v.linear_address_valid)
		where = "no guest linear address";
	else if (v.translated_access)
		where = "guest linear address valid";
	else
		where = "during a guest paging-structure walk";

	n = format(buf, len, "%s access to a page %s, %s%s", access, page, where,
		   v.nmi_unblocking ? ", NMI unblocked by IRET" : "");
	return n < 0 ? 0 : (size_t)n;
}
