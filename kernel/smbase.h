/* Moving every CPU's SMBASE out of the default SMRAM at 0x30000 (kernel/smbase.c). */
#ifndef VENEER_KERNEL_SMBASE_H
#define VENEER_KERNEL_SMBASE_H

/*
 * After SMP start-up, before VMX: every CPU the MADT lists gets an SMI
 * at veneer's relocation handler, one at a time; then the default SMBASE
 * area is given back to the guest, or kept with an RSM (the guard) if a
 * CPU's SMBASE could not be moved.
 */
void smbase_move_all(void);

#endif
