/*
 * The kernel log: formats one line, prefixes the CPU and the level, keeps
 * it in a history buffer and writes it to every console.  A console
 * registered late (the framebuffer, once the memory map is known) is first
 * shown the history, so no early line is lost.
 *
 * One lock serialises whole lines across CPUs.  A CPU that faults while
 * holding it must still be able to report the fault, so in emergency mode
 * printk waits only a bounded time for the lock and then goes ahead.
 *
 * Lines above the configured level are dropped before they are formatted:
 * neither the consoles nor a replay would show them.
 */
#include <stdarg.h>
#include <stdbool.h>

#include "kernel/console.h"
#include "kernel/format.h"
#include "kernel/log.h"
#include "kernel/percpu.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"

#define LOG_LINE_MAX    512
#define LOG_HISTORY     (64 * 1024)

static struct spinlock log_lock = SPINLOCK_INIT;
static enum log_level shown_level = LOG_INFO;
static struct console *consoles;
static volatile bool emergency;
static bool write_through;      /* every line out before printk returns */

/* History: each line is stored as one level byte followed by its text and '\n'. */
static char history[LOG_HISTORY];
static size_t history_len;
static unsigned long first_line_kept;  /* number of the line at history[0] */
static unsigned long lines_logged;

void log_set_level(enum log_level level)
{
	shown_level = level;
}

void log_write_through(void)
{
	log_flush();
	write_through = true;
}

void log_enter_emergency(void)
{
	emergency = true;
}

static bool lock_log(void)
{
	if (!emergency) {
		spin_lock(&log_lock);
		return true;
	}
	for (unsigned long spins = 0; spins < 10000000; spins++)
		if (spin_trylock(&log_lock))
			return true;
	return false;   /* the holder is stuck (probably faulted): print anyway */
}

static void remember(enum log_level level, const char *line, size_t len)
{
	if (len + 1 > LOG_HISTORY / 2)
		return;
	if (history_len + len + 1 > LOG_HISTORY) {
		/* Drop the oldest quarter, cut at a line boundary. */
		size_t cut = LOG_HISTORY / 4;
		while (cut < history_len && history[cut - 1] != '\n')
			cut++;
		for (size_t i = 0; i < cut; i++)
			if (history[i] == '\n')
				first_line_kept++;
		memmove(history, history + cut, history_len - cut);
		history_len -= cut;
	}
	history[history_len++] = (char)level;
	memcpy(history + history_len, line, len);
	history_len += len;
	lines_logged++;
}

static void write_consoles(const char *line, size_t len)
{
	for (struct console *con = consoles; con; con = con->next)
		if (!con->paused)
			con->write(line, len);
}

static void flush_consoles(void)
{
	for (struct console *con = consoles; con; con = con->next)
		if (!con->paused && con->flush)
			con->flush();
}

void log_pump(void)
{
	if (write_through || emergency || !spin_trylock(&log_lock))
		return;
	for (struct console *con = consoles; con; con = con->next)
		if (!con->paused && con->pump)
			con->pump();
	spin_unlock(&log_lock);
}

void log_flush(void)
{
	bool locked = lock_log();

	flush_consoles();
	if (locked)
		spin_unlock(&log_lock);
}

/* Writes the history from line number first on to con.  Called with the log lock held. */
static void replay(struct console *con, unsigned long first)
{
	unsigned long number = first_line_kept;

	for (size_t pos = 0; pos < history_len; number++) {
		enum log_level level = (enum log_level)history[pos++];
		size_t end = pos;
		while (end < history_len && history[end] != '\n')
			end++;
		end++;
		if (number >= first && level <= shown_level)
			con->write(history + pos, end - pos);
		pos = end;
	}
}

void console_register(struct console *con)
{
	bool locked = lock_log();

	replay(con, 0);
	con->next = consoles;
	consoles = con;
	if (locked)
		spin_unlock(&log_lock);
}

void console_pause(struct console *con)
{
	bool locked = lock_log();

	/* What was written before the device is lent goes out first. */
	if (con->flush)
		con->flush();
	con->paused = true;
	con->paused_at = lines_logged;
	if (locked)
		spin_unlock(&log_lock);
}

void console_resume(struct console *con)
{
	bool locked = lock_log();

	if (con->paused) {
		con->paused = false;
		if (con->paused_at < first_line_kept) {
			static const char lost[] = "[veneer] (older log lines no longer in the history)\n";
			con->write(lost, sizeof(lost) - 1);
		}
		replay(con, con->paused_at);
	}
	if (locked)
		spin_unlock(&log_lock);
}

static const char *level_prefix(enum log_level level)
{
	switch (level) {
	case LOG_ERROR: return "error: ";
	case LOG_WARN:  return "warning: ";
	default:        return "";
	}
}

/* The notes of each CPU: written by its own NMI and interrupt handlers, taken by any printk. */
static struct {
	uint32_t nmis;
	uint32_t interrupts;
	uint32_t last_vector;
} notes[MAX_CPUS];

void log_note_nmi(void)
{
	unsigned id = this_cpu_id();

	if (id < MAX_CPUS)
		__atomic_add_fetch(&notes[id].nmis, 1, __ATOMIC_RELAXED);
}

void log_note_interrupt(unsigned vector)
{
	unsigned id = this_cpu_id();

	if (id < MAX_CPUS) {
		__atomic_store_n(&notes[id].last_vector, vector, __ATOMIC_RELAXED);
		__atomic_add_fetch(&notes[id].interrupts, 1, __ATOMIC_RELAXED);
	}
}

static void vprintk(enum log_level level, const char *fmt, va_list ap);

static void printk_noted(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

/*
 * Reports (and clears) the notes of every CPU, whichever CPU logs next: a
 * CPU that idles in veneer may not log again before the run ends.
 */
static void report_notes(void)
{
	for (unsigned id = 0; id < MAX_CPUS; id++) {
		if (!(__atomic_load_n(&notes[id].nmis, __ATOMIC_RELAXED) |
		      __atomic_load_n(&notes[id].interrupts, __ATOMIC_RELAXED)))
			continue;
		uint32_t nmis = __atomic_exchange_n(&notes[id].nmis, 0, __ATOMIC_RELAXED);
		uint32_t interrupts = __atomic_exchange_n(&notes[id].interrupts, 0, __ATOMIC_RELAXED);
		uint32_t vector = __atomic_load_n(&notes[id].last_vector, __ATOMIC_RELAXED);
		if (interrupts)
			printk_noted(LOG_WARN, "cpu: CPU %u took %u NMI(s) and %u stray interrupt(s) (the last vector %#x) "
				     "while in veneer; acknowledged and ignored", id, nmis, interrupts, vector);
		else if (nmis)
			printk_noted(LOG_WARN, "cpu: CPU %u took %u NMI(s) while in veneer; ignored", id, nmis);
	}
}

void printk(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	report_notes();
	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

static void vprintk(enum log_level level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t len;

	/* A line no console will show is not even formatted (replays show only these levels too). */
	if (level > shown_level)
		return;
	len = (size_t)format(line, sizeof(line), "[cpu%u] %s", this_cpu_id(), level_prefix(level));
	format_v(line + len, sizeof(line) - len - 1, fmt, ap);
	len = strlen(line);
	if (len == 0 || line[len - 1] != '\n') {
		line[len++] = '\n';
		line[len] = '\0';
	}

	bool locked = lock_log();
	remember(level, line, len);
	write_consoles(line, len);
	/*
	 * Buffering consoles send lines while the CPU works on; a warning or an
	 * error is out before printk returns (shutdown flushes the exit line),
	 * as is everything in an emergency (a fault may end the run next) and
	 * once the guest runs (veneer may not run again to send the rest).
	 */
	if ((level != LOG_ALWAYS && level <= LOG_WARN) || emergency || write_through)
		flush_consoles();
	if (locked)
		spin_unlock(&log_lock);
}
