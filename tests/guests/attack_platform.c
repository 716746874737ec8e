/*
 * Hostile-guest suite: the platform (tests/guests/README.md, "Attacks").
 * A guest that could reach SMRAM, reset the CPU behind veneer's back or turn
 * A20 off would own the machine; each attack here tries one way and checks
 * the outcome a contained guest sees.  All run only when named.
 *
 * The ones in group attack-platform leave the guest running and share one
 * boot; each attack-reset-* test ends the guest with a reset that veneer
 * must report and turn into its own end of the run.
 */
#include <stdbool.h>
#include <stdint.h>

#include "tests/guests/runtime/print.h"
#include "tests/guests/runtime/report.h"
#include "tests/guests/runtime/x86.h"
#include "tests/guests/runtime/xapic.h"

#define ATTACK (TEST_DESTRUCTIVE)

static inline void out8(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void out16(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void out32(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint8_t in8(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint32_t in32(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

/* ---- PCI configuration mechanism #1, host bridge 00:00.0 ---- */

#define CONFIG_ADDRESS          0xCF8
#define CONFIG_DATA             0xCFC
#define SMRAM_D_OPEN            0x40
#define SMRAM_D_LCK             0x10
#define SMRAM_G_SMRAME          0x08

static void select_register(unsigned offset)
{
	out32(CONFIG_ADDRESS, 0x80000000u | (offset & 0xFC));
}

static uint8_t host_bridge_read8(unsigned offset)
{
	select_register(offset);
	return (uint8_t)(in32(CONFIG_DATA) >> (8 * (offset & 3)));
}

/* The SMRAM control register's offset on this host bridge (440FX 0x72, Q35 0x9D), 0 if unknown. */
static unsigned smram_offset(void)
{
	select_register(0);
	uint32_t id = in32(CONFIG_DATA);

	if (id == 0x12378086u)
		return 0x72;
	if (id == 0x29C08086u)
		return 0x9D;
	check(false, "host bridge %04x:%04x is not one veneer knows, yet veneer ran the guest", id & 0xFFFF,
	      id >> 16);
	return 0;
}

static bool smram_still_locked(unsigned offset, uint8_t before, const char *how)
{
	uint8_t after = host_bridge_read8(offset);

	return check(after == before, "%s: SMRAM control went from 0x%x to 0x%x", how, before, after) &&
	       check(!(after & SMRAM_D_OPEN), "%s: SMRAM is open (0x%x)", how, after);
}

GUEST_TEST(attack_smram_state, "attack-platform", "attack-smram-locked", ATTACK)
{
	unsigned offset = smram_offset();

	if (!offset)
		return;
	uint8_t v = host_bridge_read8(offset);
	check(v & SMRAM_D_LCK, "SMRAM control 0x%x: D_LCK clear, SMRAM is not locked", v);
	check(!(v & SMRAM_D_OPEN), "SMRAM control 0x%x: D_OPEN set, SMRAM is open", v);
	check(v & SMRAM_G_SMRAME, "SMRAM control 0x%x: G_SMRAME clear, there is no SMRAM to protect SMM code", v);
}

GUEST_TEST(attack_smram_open_byte, "attack-platform", "attack-smram-open-byte", ATTACK)
{
	unsigned offset = smram_offset();

	if (!offset)
		return;
	uint8_t before = host_bridge_read8(offset);
	select_register(offset);
	out8((uint16_t)(CONFIG_DATA + (offset & 3)), SMRAM_D_OPEN | SMRAM_G_SMRAME | 2);
	smram_still_locked(offset, before, "byte write of D_OPEN");
}

GUEST_TEST(attack_smram_open_word, "attack-platform", "attack-smram-open-word", ATTACK)
{
	unsigned offset = smram_offset();

	if (!offset)
		return;
	uint8_t before = host_bridge_read8(offset);
	unsigned word = offset & ~1u;
	unsigned shift = 8 * (offset & 1);
	select_register(offset);
	uint32_t dword = in32(CONFIG_DATA);
	uint16_t value = (uint16_t)(dword >> (8 * (word & 3)));
	value = (uint16_t)((value & ~(0xFFu << shift)) | ((SMRAM_D_OPEN | SMRAM_G_SMRAME | 2u) << shift));
	select_register(offset);
	out16((uint16_t)(CONFIG_DATA + (word & 3)), value);
	smram_still_locked(offset, before, "word write of D_OPEN");
}

GUEST_TEST(attack_smram_open_dword, "attack-platform", "attack-smram-open-dword", ATTACK)
{
	unsigned offset = smram_offset();

	if (!offset)
		return;
	uint8_t before = host_bridge_read8(offset);
	unsigned shift = 8 * (offset & 3);
	select_register(offset);
	uint32_t dword = in32(CONFIG_DATA);
	dword = (dword & ~(0xFFu << shift)) | ((uint32_t)(SMRAM_D_OPEN | SMRAM_G_SMRAME | 2) << shift);
	select_register(offset);
	out32(CONFIG_DATA, dword);
	smram_still_locked(offset, before, "dword write of D_OPEN");
}

/* Clearing G_SMRAME would send SMM's own accesses to the bus (VGA memory), where the guest can write. */
GUEST_TEST(attack_smram_disable, "attack-platform", "attack-smram-disable", ATTACK)
{
	unsigned offset = smram_offset();

	if (!offset)
		return;
	uint8_t before = host_bridge_read8(offset);
	select_register(offset);
	out8((uint16_t)(CONFIG_DATA + (offset & 3)), 0x02);
	smram_still_locked(offset, before, "write clearing G_SMRAME and D_LCK");
}

/*
 * The attack the lock is there for: try to open SMRAM, put an SMI handler
 * where SMM code runs (SMBASE 0xA0000 + 0x8000 as the firmware relocates
 * it), raise an SMI through the APM control port 0xB2.  The planted handler
 * would set smm_marker and resume (RSM); the firmware's own handler must
 * run instead, leaving the marker alone.
 */
static volatile uint32_t smm_marker;

GUEST_TEST(attack_smi_handler, "attack-platform", "attack-smi-handler", ATTACK)
{
	unsigned offset = smram_offset();

	if (!offset)
		return;
	select_register(offset);
	out8((uint16_t)(CONFIG_DATA + (offset & 3)), SMRAM_D_OPEN | SMRAM_G_SMRAME | 2);
	check(!(host_bridge_read8(offset) & SMRAM_D_OPEN), "SMRAM opened");

	/* 16-bit SMM code: mov byte [dword smm_marker], 0x5A (address-size prefix); rsm */
	uint32_t target = (uint32_t)(uintptr_t)&smm_marker;
	uint8_t handler[] = { 0x67, 0xC6, 0x05, (uint8_t)target, (uint8_t)(target >> 8), (uint8_t)(target >> 16),
			      (uint8_t)(target >> 24), 0x5A, 0x0F, 0xAA };
	volatile uint8_t *entry = phys(0xA8000);
	for (unsigned i = 0; i < sizeof(handler); i++)
		entry[i] = handler[i];

	smm_marker = 0;
	guest_printf("SMI: raising an SMI through port 0xB2");
	out8(0xB2, 0x00);
	check(smm_marker == 0, "the guest's SMI handler ran in SMM (marker 0x%x)", smm_marker);
	smram_still_locked(offset, host_bridge_read8(offset), "after the SMI");
}

/* ---- A20: the gate stays on, so no address above 1 MiB aliases one below ---- */

#define PORT_A                  0x92
#define PORT_A_A20              0x02
#define KBC_STATUS              0x64
#define KBC_COMMAND             0x64
#define KBC_DATA                0x60
#define KBC_INPUT_FULL          0x02

/* A 4-KiB buffer in the image (above 1 MiB), and its alias with address bit 20 clear. */
static volatile uint32_t a20_probe[1024] __attribute__((aligned(4096)));

static void check_no_alias(const char *how)
{
	uintptr_t high = (uintptr_t)&a20_probe[512];
	uintptr_t low = high & ~(uintptr_t)(1u << 20);

	if (!check(high & (1u << 20), "the probe buffer at 0x%lx does not have address bit 20 set", (unsigned long)high))
		return;
	volatile uint32_t *hi = phys(high), *lo = phys(low);
	uint32_t saved = *lo;
	*lo = 0x11111111;
	*hi = 0x22222222;
	uint32_t seen = *lo;
	*lo = saved;
	check(seen == 0x11111111, "%s: a write to 0x%lx landed at 0x%lx: A20 is off", how, (unsigned long)high,
	      (unsigned long)low);
}

static void kbc_wait(void)
{
	for (unsigned i = 0; i < 100000 && (in8(KBC_STATUS) & KBC_INPUT_FULL); i++)
		;
}

GUEST_TEST(attack_a20_port92, "attack-platform", "attack-a20-port92", ATTACK)
{
	uint8_t v = in8(PORT_A);

	check(v & PORT_A_A20, "port 0x92 reads 0x%x: A20 reported off before the attack", v);
	out8(PORT_A, (uint8_t)(v & ~(PORT_A_A20 | 1u)));
	v = in8(PORT_A);
	check(v & PORT_A_A20, "port 0x92 reads 0x%x after writing A20 off", v);
	check_no_alias("A20 off through port 0x92");
	out8(PORT_A, (uint8_t)(v | PORT_A_A20));
}

GUEST_TEST(attack_a20_kbc_output, "attack-platform", "attack-a20-kbc-output-port", ATTACK)
{
	kbc_wait();
	out8(KBC_COMMAND, 0xD1);        /* write output port */
	kbc_wait();
	out8(KBC_DATA, 0xDD);           /* reset line high (bit 0), A20 (bit 1) low */
	kbc_wait();
	check_no_alias("A20 off through the keyboard controller's output port");
	out8(KBC_COMMAND, 0xD1);
	kbc_wait();
	out8(KBC_DATA, 0xDF);
	kbc_wait();
}

GUEST_TEST(attack_a20_kbc_command, "attack-platform", "attack-a20-kbc-command", ATTACK)
{
	kbc_wait();
	out8(KBC_COMMAND, 0xDD);        /* A20 off (Bochs and some controllers) */
	kbc_wait();
	check_no_alias("A20 off through keyboard controller command 0xDD");
	out8(KBC_COMMAND, 0xDF);
	kbc_wait();
}

/* ---- Resets, each at its own width: veneer reports a reset and ends the run ---- */

#define RESET_TEST(fn, name_, text, code)                               \
	GUEST_TEST(fn, "attack-reset", name_, ATTACK)                   \
	{                                                               \
		guest_printf("RESET-ATTACK: " text);                    \
		code;                                                   \
		check(false, "still running after: " text);             \
	}

RESET_TEST(attack_port92_reset, "attack-reset-port92", "byte 0x01 to port 0x92", out8(0x92, 0x01))
RESET_TEST(attack_port92_reset_word, "attack-reset-port92-word", "word 0x0100 to port 0x91",
	   out16(0x91, 0x0100))
RESET_TEST(attack_cf9_word, "attack-reset-cf9-word", "word 0x0006 to port 0xCF9", out16(0xCF9, 0x0006))
RESET_TEST(attack_cf9_word_cf8, "attack-reset-cf8-word", "word 0x0600 to port 0xCF8", out16(0xCF8, 0x0600))
RESET_TEST(attack_cf9_dword, "attack-reset-cf9-dword", "dword 0x00000006 to port 0xCF9",
	   out32(0xCF9, 0x00000006))
RESET_TEST(attack_kbc_reset, "attack-reset-kbc", "byte 0xFE to port 0x64", out8(0x64, 0xFE))
RESET_TEST(attack_kbc_reset_word, "attack-reset-kbc-word", "word 0x00FE to port 0x64", out16(0x64, 0x00FE))
RESET_TEST(attack_kbc_reset_dword, "attack-reset-kbc-dword", "dword 0x000000FE to port 0x64",
	   out32(0x64, 0x000000FE))
RESET_TEST(attack_kbc_reset_word63, "attack-reset-kbc-word63", "word 0xFE00 to port 0x63", out16(0x63, 0xFE00))
RESET_TEST(attack_kbc_pulse, "attack-reset-kbc-pulse", "byte 0xF0 (pulse all output lines) to port 0x64",
	   out8(0x64, 0xF0))
RESET_TEST(attack_kbc_output_port, "attack-reset-kbc-output", "output port 0xDC through command 0xD1",
	   (kbc_wait(), out8(0x64, 0xD1), kbc_wait(), out8(0x60, 0xDC)))

/*
 * The same resets by string I/O: veneer emulates INS/OUTS on the ports it
 * intercepts element by element, so each byte reaches the reset decision
 * as a plain OUT would.  The REP forms write harmless bytes first.
 */
static const uint8_t reset_bytes_cf9[] = { 0x00, 0x02, 0x06 };
static const uint8_t reset_bytes_92[] = { 0x01 };
static const uint8_t reset_bytes_64[] = { 0xFE };
static const uint16_t reset_words_cf8[] = { 0x0600 };

static void rep_outsb(uint16_t port, const void *buffer, unsigned long count)
{
	asm volatile("rep outsb" : "+S"(buffer), "+c"(count) : "d"(port) : "memory");
}

RESET_TEST(attack_cf9_rep_outsb, "attack-reset-cf9-rep-outsb", "rep outsb of 00 02 06 to port 0xCF9",
	   rep_outsb(0xCF9, reset_bytes_cf9, sizeof(reset_bytes_cf9)))
RESET_TEST(attack_port92_rep_outsb, "attack-reset-port92-rep-outsb", "rep outsb of 01 to port 0x92",
	   rep_outsb(0x92, reset_bytes_92, sizeof(reset_bytes_92)))
RESET_TEST(attack_kbc_outsb, "attack-reset-kbc-outsb", "outsb of FE to port 0x64",
	   asm volatile("outsb" : : "S"(reset_bytes_64), "d"(0x64) : "memory"))
RESET_TEST(attack_cf8_rep_outsw, "attack-reset-cf8-rep-outsw", "rep outsw of 0x0600 to port 0xCF8",
	   asm volatile("rep outsw" : : "S"(reset_words_cf8), "c"(1ul), "d"(0xCF8) : "memory"))

/* INIT to the boot CPU itself: the BSP would restart at the reset vector, in the firmware. */
#define APIC_BASE_ADDRESS       0xFEE00000u

GUEST_TEST(attack_init_bsp, "attack-reset", "attack-reset-init-bsp", ATTACK)
{
	volatile uint32_t *apic = phys(APIC_BASE_ADDRESS);
	uint32_t id = apic[XAPIC_ID / 4] >> 24;

	guest_printf("RESET-ATTACK: INIT to the boot CPU (APIC ID %u)", id);
	apic[XAPIC_ICR_HIGH / 4] = id << 24;
	apic[XAPIC_ICR_LOW / 4] = 0x4500;        /* INIT, level assert, physical destination */
	for (volatile unsigned long i = 0; i < 100000000ul; i++)
		;
	check(false, "still running a long time after INIT to the boot CPU");
}
