/* Finding the S5 sleep type in AML. */
// unit-test-source: kernel/acpi_s5.c
#include "kernel/acpi_s5.h"
#include "unit.h"

TEST(acpi_s5_forms)
{
	uint8_t value = 0xFF;
	/* Name(\_S5_, Package(4) {0x05, 0x05, 0, 0}) with BytePrefix. */
	static const uint8_t with_byte_prefix[] = { 0x10, 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x0A, 0x04, 0x0A, 0x05,
						    0x0A, 0x05, 0x00, 0x00 };
	/* Name(_S5_, Package(2) {Zero, Zero}). */
	static const uint8_t with_zero[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x00, 0x00 };
	static const uint8_t with_one[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x01, 0x00 };
	/* A two-byte PkgLength (bits 7:6 = 1). */
	static const uint8_t long_length[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x40, 0x01, 0x04, 0x0A, 0x07 };
	/* A reference to _S5_ (not after NameOp) must not count; the definition after it must. */
	static const uint8_t reference_first[] = { 0x70, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0A, 0x09,
						   0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0A, 0x03 };
	static const uint8_t truncated[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0A };
	static const uint8_t none[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x02, 0x0A, 0x04 };

	EXPECT(acpi_find_s5_sleep_type(with_byte_prefix, sizeof(with_byte_prefix), &value));
	EXPECT_EQ(value, 5);
	EXPECT(acpi_find_s5_sleep_type(with_zero, sizeof(with_zero), &value));
	EXPECT_EQ(value, 0);
	EXPECT(acpi_find_s5_sleep_type(with_one, sizeof(with_one), &value));
	EXPECT_EQ(value, 1);
	EXPECT(acpi_find_s5_sleep_type(long_length, sizeof(long_length), &value));
	EXPECT_EQ(value, 7);
	EXPECT(acpi_find_s5_sleep_type(reference_first, sizeof(reference_first), &value));
	EXPECT_EQ(value, 3);
	EXPECT(!acpi_find_s5_sleep_type(truncated, sizeof(truncated), &value));
	EXPECT(!acpi_find_s5_sleep_type(none, sizeof(none), &value));
}
