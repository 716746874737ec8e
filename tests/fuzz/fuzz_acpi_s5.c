/*
 * acpi_find_s5_sleep_type() over arbitrary AML: the DSDT body of whatever
 * firmware veneer boots on.  The input is copied into a heap block of
 * exactly its size so a read past the end is an AddressSanitizer report.
 *
 * Invariants: a sleep type is reported only for an input that defines
 * _S5_ (NameOp or a root prefix right before it); on failure nothing is
 * written.
 */
// fuzz-source: kernel/acpi_s5.c
#include "fuzz.h"
#include "kernel/acpi_s5.h"

static bool names_s5(const uint8_t *aml, size_t size)
{
	for (size_t i = 1; i + 4 <= size; i++)
		if (memcmp(aml + i, "_S5_", 4) == 0 && (aml[i - 1] == 0x08 || aml[i - 1] == '\\'))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *aml = malloc(size ? size : 1);
	uint8_t slp_typ = 0xEE;

	memcpy(aml, data, size);
	if (acpi_find_s5_sleep_type(aml, size, &slp_typ)) {
		FUZZ_CHECK(names_s5(aml, size));
	} else {
		FUZZ_CHECK(slp_typ == 0xEE);    /* nothing written on failure */
	}
	free(aml);
	return 0;
}
