/*
 * veneer-check: the Linux guest's probe of the hypervisor under it.
 *
 *   veneer-check cpuid         CPUID leaf 0x40000000: is veneer there?
 *   veneer-check devmem ADDR   read 4 KiB of physical memory at ADDR
 *                              through /dev/mem: is veneer's image there?
 *
 * Each prints one line starting with "veneer-check: " and answers with its
 * exit status:
 *   cpuid   0  veneer's signature, and a highest leaf >= VENEER_CPUID_LEAF_MAX
 *           1  no hypervisor, or another one
 *   devmem  0  veneer's image is not readable there: the read failed, or
 *              its bytes hold no Multiboot header
 *           1  the bytes hold a Multiboot header: the guest sees veneer
 *           3  /dev/mem does not exist: nothing was tested
 *   2 for a wrong command line.
 *
 * A static x86-64 Linux program without libc: the five system calls it
 * needs are made directly, so it runs from the smallest initramfs.
 */
#include "vmx/guest/hypercall_abi.h"
#include "boot/multiboot2_abi.h"

#define SYS_READ        0
#define SYS_WRITE       1
#define SYS_OPEN        2
#define SYS_LSEEK       8
#define SYS_EXIT_GROUP  231

#define ENOENT          2
#define ENXIO           6

#define O_RDONLY        0
#define SEEK_SET        0
#define STDOUT          1

#define DEVMEM_BYTES    4096
#define SHOWN_BYTES     16

#define CPUID_1_ECX_HYPERVISOR  (1u << 31)

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;

static long syscall3(long number, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(number), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static __attribute__((noreturn)) void sys_exit(int status)
{
	for (;;)
		syscall3(SYS_EXIT_GROUP, status, 0, 0);
}

/* ------------------------------------------------------------------ */
/* Output: one line, built in a buffer and written at once. */

static char line[256];
static unsigned line_len;

static void put_char(char c)
{
	if (line_len < sizeof(line) - 1)
		line[line_len++] = c;
}

static void put(const char *s)
{
	while (*s)
		put_char(*s++);
}

static void put_hex(u64 value, int digits)
{
	static const char hex[] = "0123456789abcdef";

	for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
		put_char(hex[(value >> shift) & 0xf]);
}

static void put_dec(u64 value)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	while (n)
		put_char(digits[--n]);
}

static void end_line(void)
{
	put_char('\n');
	syscall3(SYS_WRITE, STDOUT, (long)line, line_len);
	line_len = 0;
}

/* ------------------------------------------------------------------ */

static u32 load_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static void cpuid(u32 leaf, u32 regs[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]), "=d"(regs[3])
			 : "a"(leaf), "c"(0));
}

static int check_cpuid(void)
{
	static const char expected[12] = VENEER_CPUID_SIGNATURE;
	u32 regs[4];
	u8 signature[12];
	int hypervisor_bit, veneer = 1;

	cpuid(1, regs);
	hypervisor_bit = (regs[2] & CPUID_1_ECX_HYPERVISOR) != 0;
	cpuid(VENEER_CPUID_LEAF_BASE, regs);
	for (int i = 0; i < 12; i++) {
		signature[i] = (u8)(regs[1 + i / 4] >> (8 * (i % 4)));
		if (signature[i] != (u8)expected[i])
			veneer = 0;
	}
	if (regs[0] < VENEER_CPUID_LEAF_MAX)
		veneer = 0;

	put("veneer-check: cpuid 0x");
	put_hex(VENEER_CPUID_LEAF_BASE, 8);
	put(" eax=0x");
	put_hex(regs[0], 8);
	put(" signature \"");
	for (int i = 0; i < 12; i++) {
		if (signature[i] == 0)
			put("\\0");
		else
			put_char(signature[i] >= 0x20 && signature[i] < 0x7f ? (char)signature[i] : '.');
	}
	put("\" CPUID.1:ECX.hypervisor=");
	put_dec((u64)hypervisor_bit);
	put(veneer ? ": veneer" : ": not veneer");
	end_line();
	return veneer ? 0 : 1;
}

/* ------------------------------------------------------------------ */

static const char *errno_name(long err)
{
	switch (err) {
	case 1: return "EPERM";
	case 2: return "ENOENT";
	case 5: return "EIO";
	case 6: return "ENXIO";
	case 13: return "EACCES";
	case 14: return "EFAULT";
	case 22: return "EINVAL";
	default: return "error";
	}
}

static void put_error(const char *what, long ret)
{
	put(what);
	put(" failed: ");
	put(errno_name(-ret));
	put(" (");
	put_dec((u64)-ret);
	put(")");
}

/* Parses decimal or 0x-prefixed hexadecimal; returns 0 on a malformed number. */
static int parse_number(const char *s, u64 *value)
{
	u64 v = 0;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return 0;
	for (; *s; s++) {
		int digit;

		if (*s >= '0' && *s <= '9')
			digit = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			digit = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			digit = *s - 'A' + 10;
		else
			return 0;
		if (v > (~0ul - (u64)digit) / (u64)base)
			return 0;
		v = v * (u64)base + (u64)digit;
	}
	*value = v;
	return 1;
}

/*
 * A kernel image announces itself to the boot loader with a Multiboot
 * header: the version 1 magic on a 4-byte boundary, the version 2 magic on
 * an 8-byte boundary, near the start of the image.  veneer's image begins
 * with both (version 1 at offset 0, version 2 at 16).
 */
static long find_multiboot_magic(const u8 *bytes, long length)
{
	for (long offset = 0; offset + 4 <= length; offset += 4) {
		u32 word = load_le32(bytes + offset);

		if (word == MULTIBOOT1_HEADER_MAGIC || (offset % 8 == 0 && word == MB2_HEADER_MAGIC))
			return offset;
	}
	return -1;
}

static u8 page[DEVMEM_BYTES];

static int check_devmem(const char *address_text)
{
	u64 address;
	long fd, ret, got = 0, found;

	if (!parse_number(address_text, &address)) {
		put("veneer-check: devmem: '");
		put(address_text);
		put("' is not an address");
		end_line();
		return 2;
	}
	put("veneer-check: devmem 0x");
	put_hex(address, 8);
	put(": ");

	fd = syscall3(SYS_OPEN, (long)"/dev/mem", O_RDONLY, 0);
	if (fd < 0) {
		int missing = fd == -ENOENT || fd == -ENXIO;

		put_error("open /dev/mem", fd);
		put(missing ? ": nothing tested" : ": not readable");
		end_line();
		return missing ? 3 : 0;
	}
	ret = syscall3(SYS_LSEEK, fd, (long)address, SEEK_SET);
	if (ret < 0) {
		put_error("lseek", ret);
		put(": not readable");
		end_line();
		return 0;
	}
	while (got < DEVMEM_BYTES) {
		ret = syscall3(SYS_READ, fd, (long)(page + got), DEVMEM_BYTES - got);
		if (ret <= 0)
			break;
		got += ret;
	}
	if (got == 0) {
		if (ret == 0)
			put("read returned end of file");
		else
			put_error("read", ret);
		put(": not readable");
		end_line();
		return 0;
	}

	put("read ");
	put_dec((u64)got);
	put(" bytes:");
	for (int i = 0; i < SHOWN_BYTES && i < got; i++) {
		put_char(' ');
		put_hex(page[i], 2);
	}
	found = find_multiboot_magic(page, got);
	if (found >= 0) {
		put(": Multiboot header at +0x");
		put_hex((u64)found, 3);
		put(": veneer's image is visible");
		end_line();
		return 1;
	}
	put(": no Multiboot header");
	end_line();
	return 0;
}

/* ------------------------------------------------------------------ */

static int equal(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static int usage(void)
{
	put("usage: veneer-check cpuid | veneer-check devmem ADDR");
	end_line();
	return 2;
}

int main(int argc, char **argv);

int main(int argc, char **argv)
{
	if (argc == 2 && equal(argv[1], "cpuid"))
		return check_cpuid();
	if (argc == 3 && equal(argv[1], "devmem"))
		return check_devmem(argv[2]);
	return usage();
}

/*
 * The entry point: the kernel leaves argc at the stack pointer and argv
 * just above it.  The stack is 16-byte aligned here; the call keeps the
 * ABI's alignment for main.
 */
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov (%rsp), %rdi\n"
	"	lea 8(%rsp), %rsi\n"
	"	call veneer_check_start\n"
	"	hlt\n");

__attribute__((used, noreturn)) void veneer_check_start(long argc, char **argv);

__attribute__((used, noreturn)) void veneer_check_start(long argc, char **argv)
{
	sys_exit(main((int)argc, argv));
}
