#include "kernel/acpi_s5.h"

#define AML_NAME_OP     0x08
#define AML_PACKAGE_OP  0x12
#define AML_ZERO_OP     0x00
#define AML_ONE_OP      0x01
#define AML_BYTE_PREFIX 0x0A

/*
 * After "_S5_" comes PackageOp, a PkgLength of 1-4 bytes (bits 7:6 of its
 * first byte count the extra bytes), NumElements, then the first element:
 * a ZeroOp, a OneOp, a BytePrefix and a byte, or a bare byte constant.
 */
static bool decode_package(const uint8_t *p, size_t left, uint8_t *value)
{
	if (left < 2 || p[0] != AML_PACKAGE_OP)
		return false;
	size_t length_bytes = 1 + (p[1] >> 6);
	size_t at = 1 + length_bytes + 1;       /* PackageOp, PkgLength, NumElements */
	if (at >= left)
		return false;
	switch (p[at]) {
	case AML_ZERO_OP:
		*value = 0;
		return true;
	case AML_ONE_OP:
		*value = 1;
		return true;
	case AML_BYTE_PREFIX:
		if (at + 1 >= left)
			return false;
		*value = p[at + 1];
		return true;
	default:
		*value = p[at];
		return true;
	}
}

bool acpi_find_s5_sleep_type(const uint8_t *aml, size_t length, uint8_t *slp_typ_a)
{
	for (size_t i = 0; i + 4 < length; i++) {
		if (aml[i] != '_' || aml[i + 1] != 'S' || aml[i + 2] != '5' || aml[i + 3] != '_')
			continue;
		/* A definition, not a reference: NameOp right before, possibly with a root prefix '\'. */
		bool named = (i >= 1 && aml[i - 1] == AML_NAME_OP) ||
			     (i >= 2 && aml[i - 1] == '\\' && aml[i - 2] == AML_NAME_OP);
		if (named && decode_package(aml + i + 4, length - i - 4, slp_typ_a))
			return true;
	}
	return false;
}
