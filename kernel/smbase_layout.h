/*
 * Where SMM code and state live, for moving every CPU's SMBASE away from
 * the default one (SDM Vol. 3C, 34.4 "SMRAM", 34.4.1.1 "SMRAM State Save
 * Map and Intel 64 Architecture", 34.11 "SMBASE Relocation").
 *
 * A CPU enters SMM at SMBASE + 8000H and saves its state in the top of
 * SMRAM: on a processor that supports Intel 64, SMBASE + FC00H up to
 * SMBASE + FFFFH (Table 34-3), with the SMM revision identifier at
 * SMBASE + FEFCH and the SMBASE field at SMBASE + FF00H.  Every CPU starts
 * with SMBASE 30000H, so the entry point is 38000H in ordinary RAM until
 * someone moves it: veneer does, to a region of its own memory where each
 * CPU's entry point holds only RSM.  Firmware staggers SMBASEs the same
 * way: the CPUs' SMBASEs are SMBASE_STAGGER apart, so entry point i sits at
 * region + i * 800H and save area i at region + 7C00H + i * 800H, which is
 * 400H into the 800H tile of entry point i + 15: no entry point and no
 * save area overlaps another.
 *
 * Pure code (the host unit tests check the layout); the defines are shared
 * with the assembly of the relocation handler (arch/smm_relocation.S).
 */
#ifndef VENEER_KERNEL_SMBASE_LAYOUT_H
#define VENEER_KERNEL_SMBASE_LAYOUT_H

#define SMM_DEFAULT_SMBASE              0x30000         /* after reset (SDM Vol. 3C, 34.4) */
#define SMM_DEFAULT_AREA_END            0x40000         /* SMBASE + 64 KiB, the default SMRAM */
#define SMM_ENTRY_OFFSET                0x8000          /* the handler's first instruction */
#define SMM_SAVE_STATE_OFFSET           0xFC00          /* Intel 64 state save area: 8000H + 7C00H */
#define SMM_SAVE_STATE_END              0x10000         /* ... up to SMBASE + FFFFH */
#define SMM_REVISION_ID_OFFSET          0xFEFC          /* 8000H + 7EFCH: SMM revision identifier */
#define SMM_SMBASE_FIELD_OFFSET         0xFF00          /* 8000H + 7F00H: SMBASE field, written back by RSM */
#define SMM_REVISION_SMBASE_RELOCATION  (1 << 17)       /* revision identifier bit 17 (SDM Vol. 3C, 34.11) */
#define SMBASE_STAGGER                  0x800

/*
 * The relocation handler's parameters, in the default SMRAM beside its
 * code at 38000H: one slot of SMM_SLOT_SIZE bytes per initial APIC ID
 * (CPUID.1:EBX[31:24], which the handler reads), so a CPU that takes its
 * SMI late still finds its own SMBASE.  veneer writes the new SMBASE (0:
 * leave it), the handler writes back what it found in the state save map
 * and the done marker last.
 */
#define SMM_RELOCATION_SLOTS            (SMM_DEFAULT_SMBASE + 0x9000)
#define SMM_SLOT_COUNT                  256
#define SMM_SLOT_SIZE                   0x10
#define SMM_PARAM_NEW_SMBASE            0x0     /* dword, in: the SMBASE to write into the SMBASE field */
#define SMM_PARAM_SEEN_SMBASE           0x4     /* dword, out: the SMBASE field as the CPU saved it */
#define SMM_PARAM_SEEN_REVISION         0x8     /* dword, out: the SMM revision identifier */
#define SMM_PARAM_DONE                  0xC     /* dword, out: SMM_RELOCATION_DONE once the handler ran */
#define SMM_RELOCATION_DONE             0x52424D53      /* "SMBR" */

#ifndef __ASSEMBLY__
#include <stdint.h>

/* Bytes from the first CPU's entry point to the end of the last CPU's state save area. */
uint64_t smbase_region_bytes(unsigned cpus);
/* The SMBASE of CPU index in a region that starts at region (its first entry point); region >= 8000H. */
uint32_t smbase_of(uint64_t region, unsigned index);

#endif
#endif
