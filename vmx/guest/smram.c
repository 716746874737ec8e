/*
 * Closing and locking SMRAM (vmx/guest/smram.h).
 *
 * The SMRAM control register of the host bridge (Intel 440FX PMC "SMRAMC",
 * offset 0x72; Intel 3 Series / Q35 MCH "SMRAM", offset 0x9D) has the same
 * layout on both:
 *   bit 6 D_OPEN   SMRAM visible to accesses outside SMM (for firmware set-up)
 *   bit 5 D_CLS    SMM data accesses go to the bus, not to SMRAM
 *   bit 4 D_LCK    D_OPEN clears and the register becomes read-only until
 *                  the next power-on reset (the MCH also locks ESMRAMC, 0x9E,
 *                  which enables TSEG)
 *   bit 3 G_SMRAME SMRAM enabled at all
 *   bits 2:0       C_BASE_SEG, 010b: the legacy SMRAM at 0xA0000-0xBFFFF
 * With G_SMRAME clear there is no SMRAM: an SMI runs whatever the guest put
 * at the SMI handler's address (VGA memory, or RAM at the default SMBASE).
 *
 * Emulators differ in what they enforce, which is why veneer does not rely
 * on D_LCK alone and also drops the guest's writes to these registers
 * (vmx/guest/pci_config.c): Bochs honours D_LCK for D_OPEN but still lets
 * G_SMRAME be cleared; QEMU's i440FX stores D_LCK without enforcing it
 * ("XXX: implement SMRAM.D_LOCK"); QEMU's Q35 locks all but D_CLS.
 * On real chipsets the lock also covers the PCI Express enhanced
 * configuration path (MMCONFIG), which veneer does not intercept.
 */
#include <stddef.h>

#include "arch/pci.h"
#include "kernel/log.h"
#include "vmx/guest/smram.h"

#define SMRAM_D_OPEN            (1u << 6)
#define SMRAM_D_CLS             (1u << 5)
#define SMRAM_D_LCK             (1u << 4)
#define SMRAM_G_SMRAME          (1u << 3)
#define SMRAM_C_BASE_SEG        7u

#define PCI_VENDOR_INTEL        0x8086

struct host_bridge {
	uint16_t vendor, device;
	const char *name;
	uint8_t smram;          /* offset of the SMRAM control register */
	uint8_t esmramc;        /* offset of the extended SMRAM control register, 0: none */
};

static const struct host_bridge known_bridges[] = {
	{ PCI_VENDOR_INTEL, 0x1237, "Intel 440FX PMC", 0x72, 0 },
	{ PCI_VENDOR_INTEL, 0x29C0, "Intel Q35 MCH", 0x9D, 0x9E },
};

static const struct pci_function host_bridge_function = { 0, 0, 0 };
static const struct host_bridge *locked_bridge;

static const struct host_bridge *find_bridge(uint16_t vendor, uint16_t device)
{
	for (unsigned i = 0; i < sizeof(known_bridges) / sizeof(known_bridges[0]); i++)
		if (known_bridges[i].vendor == vendor && known_bridges[i].device == device)
			return &known_bridges[i];
	return NULL;
}

static bool refuse(bool unchecked, const char *why, unsigned value)
{
	if (unchecked) {
		pr_warn("platform: SMRAM is NOT protected: %s (SMRAM control %#x); running the guest anyway "
			"because of smram=unchecked: a guest can take over the machine through SMM", why, value);
		return true;
	}
	pr_error("platform: will not run a guest: SMRAM cannot be closed and locked: %s (SMRAM control %#x)", why,
		 value);
	pr_error("platform: a guest that reaches SMRAM runs code in SMM with all memory in reach, veneer's too; "
		 "smram=unchecked runs the guest anyway");
	return false;
}

/* Closes and locks a known bridge's SMRAM; false when the hardware does not end up closed and locked. */
static bool lock_bridge(const struct host_bridge *b, bool unchecked)
{
	uint8_t before = pci_config_read8(host_bridge_function, b->smram);

	if (!(before & SMRAM_G_SMRAME))
		return refuse(unchecked, "the firmware enabled no SMRAM (G_SMRAME clear), so an SMI would run code "
				  "from memory the guest can write", before);
	if (!(before & SMRAM_D_LCK))
		pci_config_write8(host_bridge_function, b->smram,
				  (uint8_t)((before & (SMRAM_G_SMRAME | SMRAM_D_CLS | SMRAM_C_BASE_SEG)) | SMRAM_D_LCK));
	uint8_t after = pci_config_read8(host_bridge_function, b->smram);
	if (!(after & SMRAM_D_LCK) || (after & SMRAM_D_OPEN) || !(after & SMRAM_G_SMRAME))
		return refuse(unchecked, before & SMRAM_D_LCK ? "the firmware locked it open"
							       : "the chipset did not take the lock", after);
	if (before & SMRAM_D_LCK)
		pr_info("platform: %s: SMRAM was closed and locked by the firmware (SMRAM control %#x)", b->name, after);
	else
		pr_info("platform: %s: SMRAM closed and locked (SMRAM control %#x -> %#x)", b->name, before, after);
	if (b->esmramc)
		pr_info("platform: %s: extended SMRAM control (TSEG) %#x, locked with it", b->name,
			pci_config_read8(host_bridge_function, b->esmramc));
	return true;
}

bool smram_secure(bool unchecked, bool simulate_unknown)
{
	uint16_t vendor = pci_config_read16(host_bridge_function, PCI_VENDOR_ID);
	uint16_t device = pci_config_read16(host_bridge_function, PCI_DEVICE_ID);

	if (vendor == PCI_VENDOR_NONE)
		return refuse(unchecked, "no PCI host bridge answers at 00:00.0", 0);
	const struct host_bridge *b = simulate_unknown ? NULL : find_bridge(vendor, device);
	if (!b) {
		pr_error("platform: the host bridge at 00:00.0 is %04x:%04x (class %06x), which veneer does not know; "
			 "only the Intel 440FX (8086:1237) and Q35 (8086:29c0) are",
			 vendor, device, pci_config_read32(host_bridge_function, PCI_CLASS_REVISION) >> 8);
		pr_error("platform: on such a machine check in the firmware setup or the chipset's datasheet that the "
			 "firmware locks SMRAM (D_LCK), as current firmware does");
		return refuse(unchecked, "unknown chipset", 0);
	}
	if (!lock_bridge(b, unchecked))
		return false;
	locked_bridge = b;
	return true;
}

bool smram_control_register(struct pci_function f, unsigned offset)
{
	const struct host_bridge *b = locked_bridge;

	if (!b || f.bus != 0 || f.device != 0 || f.function != 0)
		return false;
	return offset == b->smram || (b->esmramc && offset == b->esmramc);
}
