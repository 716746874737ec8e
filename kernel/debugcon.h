#ifndef VENEER_KERNEL_DEBUGCON_H
#define VENEER_KERNEL_DEBUGCON_H

/* Registers the 0xE9 debug port (Bochs port_e9_hack, QEMU -debugcon) as a console. */
void debugcon_init(void);

#endif
