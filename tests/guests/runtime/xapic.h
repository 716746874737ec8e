/*
 * The xAPIC registers and ICR fields the test programs use (SDM Vol. 3A,
 * table "Local APIC Register Address Map" and "Interrupt Command Register").
 * Offsets from the APIC's base.
 */
#ifndef VENEER_TESTS_GUESTS_XAPIC_H
#define VENEER_TESTS_GUESTS_XAPIC_H

#define XAPIC_ID                0x020
#define XAPIC_TPR               0x080
#define XAPIC_SVR               0x0F0
#define SVR_APIC_ENABLE         (1u << 8)
#define XAPIC_ICR_LOW           0x300
#define XAPIC_ICR_HIGH          0x310

/* ICR low: delivery mode (bits 10:8), delivery status, level. */
#define ICR_DELIVERY_FIXED      (0u << 8)
#define ICR_DELIVERY_LOWEST     (1u << 8)
#define ICR_DELIVERY_SMI        (2u << 8)
#define ICR_DELIVERY_NMI        (4u << 8)
#define ICR_INIT                (5u << 8)
#define ICR_STARTUP             (6u << 8)
#define ICR_SEND_PENDING        (1u << 12)
#define ICR_LEVEL_ASSERT        (1u << 14)      /* also with INIT and SIPI */

#endif
