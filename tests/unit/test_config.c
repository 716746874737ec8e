/* Command-line parsing: every option, and every way to get one wrong. */
// unit-test-source: kernel/config.c
#include "kernel/config.h"
#include "unit.h"

static char last_option[128], last_problem[128];
static unsigned warn_calls;

static void record_warning(void *ctx, const char *option, const char *problem)
{
	(void)ctx;
	snprintf(last_option, sizeof(last_option), "%s", option);
	snprintf(last_problem, sizeof(last_problem), "%s", problem);
	warn_calls++;
}

static unsigned parse(struct veneer_config *cfg, const char *cmdline)
{
	warn_calls = 0;
	last_option[0] = last_problem[0] = '\0';
	config_defaults(cfg);
	return config_parse(cfg, cmdline, record_warning, NULL);
}

TEST(config_defaults_without_options)
{
	struct veneer_config cfg;

	EXPECT_EQ(parse(&cfg, ""), 0);
	EXPECT_EQ(cfg.loglevel, LOG_INFO);
	EXPECT_EQ(cfg.serial_port, 0x3F8);
	EXPECT_EQ(cfg.exit_method, EXIT_METHOD_HALT);
	EXPECT_EQ(cfg.fault, FAULT_NONE);
	EXPECT_EQ(cfg.max_cpus, 0);
	EXPECT_EQ(cfg.hv_memory, CONFIG_DEFAULT_HV_MEMORY);
	EXPECT_EQ(parse(&cfg, NULL), 0);
	EXPECT_EQ(parse(&cfg, "   \t  "), 0);
}

TEST(config_every_option)
{
	struct veneer_config cfg;

	EXPECT_EQ(parse(&cfg, "loglevel=debug serial=com2 exit=bochs fault=pf cpus=3 hvmem=64M debugcon"), 0);
	EXPECT_EQ(cfg.loglevel, LOG_DEBUG);
	EXPECT_EQ(cfg.serial_port, 0x2F8);
	EXPECT_EQ(cfg.exit_method, EXIT_METHOD_BOCHS);
	EXPECT_EQ(cfg.fault, FAULT_PAGE_FAULT);
	EXPECT_EQ(cfg.max_cpus, 3);
	EXPECT_EQ(cfg.hv_memory, 64ULL << 20);
	EXPECT(cfg.debugcon);

	EXPECT_EQ(cfg.simulate, SIMULATE_NONE);
	EXPECT_EQ(cfg.sipi, SIPI_INTERCEPT);
	EXPECT_EQ(parse(&cfg, "sipi=wait"), 0);
	EXPECT_EQ(cfg.sipi, SIPI_WAIT);
	EXPECT_EQ(parse(&cfg, "sipi=sometimes"), 1);
	EXPECT_EQ(cfg.sipi, SIPI_INTERCEPT);
	EXPECT_EQ(cfg.guest_module, 0);
	EXPECT_EQ(parse(&cfg, "guest=2"), 0);
	EXPECT_EQ(cfg.guest_module, 2);
	EXPECT_EQ(parse(&cfg, "guest=-1 guest=999"), 2);
	EXPECT_EQ(cfg.sipi, SIPI_INTERCEPT);
	EXPECT_EQ(parse(&cfg, "sipi=wait"), 0);
	EXPECT_EQ(cfg.sipi, SIPI_WAIT);
	EXPECT_EQ(parse(&cfg, "sipi=sometimes"), 1);
	EXPECT_EQ(cfg.sipi, SIPI_INTERCEPT);
	EXPECT_EQ(cfg.guest_module, 0);
	EXPECT_EQ(parse(&cfg, "simulate=vmx-off"), 0);
	EXPECT_EQ(cfg.simulate, SIMULATE_VMX_OFF_BY_FIRMWARE);
	EXPECT_EQ(parse(&cfg, "simulate=alien-invasion"), 1);
	EXPECT_EQ(cfg.simulate, SIMULATE_NONE);
	EXPECT_EQ(parse(&cfg, "simulate=unknown-chipset"), 0);
	EXPECT_EQ(cfg.simulate, SIMULATE_UNKNOWN_CHIPSET);
	EXPECT_EQ(cfg.smram, SMRAM_LOCK);
	EXPECT_EQ(parse(&cfg, "smram=unchecked"), 0);
	EXPECT_EQ(cfg.smram, SMRAM_UNCHECKED);
	EXPECT_EQ(parse(&cfg, "smram=open"), 1);
	EXPECT_EQ(cfg.smram, SMRAM_LOCK);
	EXPECT_EQ(cfg.linux_entry, LINUX_ENTRY_32BIT);
	EXPECT_EQ(parse(&cfg, "linux=16"), 0);
	EXPECT_EQ(cfg.linux_entry, LINUX_ENTRY_REAL_MODE);
	EXPECT_EQ(parse(&cfg, "linux=16 linux=32"), 0);
	EXPECT_EQ(cfg.linux_entry, LINUX_ENTRY_32BIT);
	EXPECT_EQ(parse(&cfg, "linux=64"), 1);
	EXPECT_EQ(cfg.linux_entry, LINUX_ENTRY_32BIT);

	EXPECT_EQ(parse(&cfg, "serial=0x2e8 loglevel=2 exit=qemu serial=off"), 0);
	EXPECT_EQ(cfg.serial_port, 0);
	EXPECT_EQ(cfg.loglevel, LOG_WARN);
	EXPECT_EQ(cfg.exit_method, EXIT_METHOD_QEMU);
}

TEST(config_hvmem_rounds_up_to_2mib)
{
	struct veneer_config cfg;

	EXPECT_EQ(parse(&cfg, "hvmem=5M"), 0);
	EXPECT_EQ(cfg.hv_memory, 6ULL << 20);
	EXPECT_EQ(parse(&cfg, "hvmem=1G"), 0);
	EXPECT_EQ(cfg.hv_memory, 1ULL << 30);
}

TEST(config_unknown_option_is_named_and_ignored)
{
	struct veneer_config cfg;

	EXPECT_EQ(parse(&cfg, "frobnicate=1 loglevel=debug"), 1);
	EXPECT_STREQ(last_option, "frobnicate=1");
	EXPECT_STREQ(last_problem, "unknown option");
	EXPECT_EQ(cfg.loglevel, LOG_DEBUG);
}

TEST(config_malformed_values_keep_defaults)
{
	struct veneer_config cfg;

	EXPECT_EQ(parse(&cfg, "loglevel=bogus"), 1);
	EXPECT_STREQ(last_option, "loglevel=bogus");
	EXPECT_EQ(cfg.loglevel, LOG_INFO);

	EXPECT_EQ(parse(&cfg, "loglevel"), 1);
	EXPECT_EQ(cfg.loglevel, LOG_INFO);

	EXPECT_EQ(parse(&cfg, "cpus=0 cpus=two cpus= cpus=99999999999999999999999"), 4);
	EXPECT_EQ(cfg.max_cpus, 0);

	EXPECT_EQ(parse(&cfg, "serial=0x serial=0x10000 serial=com9"), 3);
	EXPECT_EQ(cfg.serial_port, 0x3F8);

	EXPECT_EQ(parse(&cfg, "hvmem=1M hvmem=12Q hvmem=99999999999G exit=reboot fault=xx"), 5);
	EXPECT_EQ(cfg.hv_memory, CONFIG_DEFAULT_HV_MEMORY);
	EXPECT_EQ(cfg.exit_method, EXIT_METHOD_HALT);
	EXPECT_EQ(cfg.fault, FAULT_NONE);
}

TEST(config_overlong_option_is_cut_and_reported)
{
	struct veneer_config cfg;
	char line[300];

	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	EXPECT_EQ(parse(&cfg, line), 1);
	EXPECT_STREQ(last_problem, "option too long");
	EXPECT_EQ(strlen(last_option), 64);
}
