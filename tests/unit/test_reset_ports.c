/* Port writes that reset the machine, at every width and offset (vmx/guest/reset_ports.c). */
// unit-test-source: vmx/guest/reset_ports.c
#include "vmx/guest/reset_ports.h"
#include "unit.h"

static struct port_write w(uint16_t port, unsigned size, uint32_t value)
{
	return (struct port_write){ .port = port, .size = size, .value = value };
}

TEST(port_write_byte_each_width_and_offset)
{
	uint8_t byte = 0;
	struct port_write x;

	x = w(0x64, 1, 0xFE);
	EXPECT(port_write_byte(&x, 0x64, &byte));
	EXPECT_EQ(byte, 0xFE);
	x = w(0x63, 2, 0xFE00);
	EXPECT(port_write_byte(&x, 0x64, &byte));
	EXPECT_EQ(byte, 0xFE);
	x = w(0x61, 4, 0xAB000000);
	EXPECT(port_write_byte(&x, 0x64, &byte));
	EXPECT_EQ(byte, 0xAB);
	x = w(0x65, 4, 0xFFFFFFFF);
	EXPECT(!port_write_byte(&x, 0x64, &byte));
	x = w(0x60, 4, 0xFFFFFFFF);
	EXPECT(!port_write_byte(&x, 0x64, &byte));
	x = w(0xFFFE, 4, 0x11223344);           /* runs past the last port: no wrap to port 0 */
	EXPECT(!port_write_byte(&x, 0x0000, &byte));
	EXPECT(port_write_byte(&x, 0xFFFF, &byte));
	EXPECT_EQ(byte, 0x33);
}

TEST(port_write_replace_byte_keeps_the_others)
{
	struct port_write x = w(0x91, 2, 0x0112);

	EXPECT_EQ(port_write_replace_byte(&x, 0x92, 0x03), 0x0312);
	x = w(0x8F, 4, 0x01020304);
	EXPECT_EQ(port_write_replace_byte(&x, 0x92, 0xFF), 0xFF020304);
	x = w(0x92, 1, 0x00);
	EXPECT_EQ(port_write_replace_byte(&x, 0x92, 0x02), 0x02);
}

TEST(reset_control_every_width)
{
	struct port_write x;

	x = w(0xCF9, 1, 0x06);
	EXPECT(reset_control_write_resets(&x));
	x = w(0xCF9, 1, 0x02);                  /* SYS_RST alone prepares, does not reset */
	EXPECT(!reset_control_write_resets(&x));
	x = w(0xCF9, 2, 0x0006);
	EXPECT(reset_control_write_resets(&x));
	x = w(0xCF8, 2, 0x0600);
	EXPECT(reset_control_write_resets(&x));
	x = w(0xCF9, 4, 0x00000004);
	EXPECT(reset_control_write_resets(&x));
	x = w(0xCF6, 4, 0x04000000);
	EXPECT(reset_control_write_resets(&x));
	x = w(0xCFA, 2, 0xFFFF);
	EXPECT(!reset_control_write_resets(&x));
}

TEST(keyboard_controller_reset_commands)
{
	EXPECT(kbc_command_resets(0xFE));
	EXPECT(kbc_command_resets(0xF0));
	EXPECT(kbc_command_resets(0xFC));
	EXPECT(!kbc_command_resets(0xFF));         /* pulses nothing: bit 0 set */
	EXPECT(!kbc_command_resets(0xF1));
	EXPECT(!kbc_command_resets(0xD1));
	EXPECT(!kbc_command_resets(0xAE));
	EXPECT(kbc_output_port_resets(0xDC));
	EXPECT(!kbc_output_port_resets(0xDD));
	EXPECT(!kbc_output_port_resets(0xDF));
}

TEST(port_a_fast_reset)
{
	struct port_write x;

	x = w(0x92, 1, 0x01);
	EXPECT(port_a_write_resets(&x));
	x = w(0x92, 1, 0x02);
	EXPECT(!port_a_write_resets(&x));
	x = w(0x91, 2, 0x0100);
	EXPECT(port_a_write_resets(&x));
	x = w(0x91, 2, 0x0001);                 /* bit 0 on 0x91, not 0x92 */
	EXPECT(!port_a_write_resets(&x));
	x = w(0x90, 4, 0x00010000);
	EXPECT(port_a_write_resets(&x));
}

/* The FADT reset register is often 0xCF9 with 6, or a chipset port such as 0xB2 or 0x64. */
TEST(acpi_reset_register_every_width)
{
	struct port_write x;

	x = w(0xB2, 1, 0x0F);
	EXPECT(acpi_reset_write_resets(&x, 0xB2, 0x0F));
	x = w(0xB2, 1, 0x0E);
	EXPECT(!acpi_reset_write_resets(&x, 0xB2, 0x0F));
	x = w(0xB2, 2, 0xAA0F);
	EXPECT(acpi_reset_write_resets(&x, 0xB2, 0x0F));
	x = w(0xB1, 2, 0x0F00);
	EXPECT(acpi_reset_write_resets(&x, 0xB2, 0x0F));
	x = w(0xB0, 4, 0x000F0000);
	EXPECT(acpi_reset_write_resets(&x, 0xB2, 0x0F));
	x = w(0xB3, 4, 0x0F0F0F0F);
	EXPECT(!acpi_reset_write_resets(&x, 0xB2, 0x0F));
}
