/* edgeprobe.so: collectd's plugin for edgeprobe.  A thin front end: it
 * reads <Plugin edgeprobe>, builds one configuration per check with the
 * core's own validation and messages, registers a read callback per
 * check (its own interval), and turns each run's typed figures into
 * values and each target's change of state into a notification.  Probe
 * logic stays in the core.
 *
 * collectd's headers want its own config.h or none: this translation
 * unit includes none of ours and undefines HAVE_CONFIG_H. */
#undef HAVE_CONFIG_H
#define _GNU_SOURCE

#include "core/daemon/collectd.h"
#include "core/daemon/plugin.h"
#include "core/utils/common/common.h"

#include <pthread.h>

#include "ep_sections.h"
#include "ep_check.h"
#include "ep_config.h"
#include "ep_drift.h"
#include "ep_memory.h"
#include "ep_probes.h"
#include "ep_schedule.h"
#include "ep_settings.h"
#include "ep_states.h"

#define PLUGIN "edgeprobe"

/* The <Plugin edgeprobe> block as read (config time, one thread). */
struct check_block {
  char             *name; /* "dns", "ntp", "https", "nats" */
  struct ep_strlist targets;
  double            interval; /* s; 0: collectd's */
};

/* A kind's option given at the plugin's level (MachineInterface, ...). */
struct kind_value {
  const struct ep_option *option;
  char                   *value;
};

static struct {
  char              *profile, *fallback, *interface, *cacert, *proxy;
  char              *proxy_auth_file;
  struct ep_strlist  dns_servers;
  struct kind_value *kind_values;
  size_t             n_kind_values;
  double             timeout; /* 0: unset */
  struct check_block *blocks;
  size_t              n_blocks;
  bool                inited;
} conf;

/* What collectd's users write, for the core's messages. */
static const struct ep_setting_names collectd_names = {
  .hosts = "Target",
  .warning = "Warning",
  .critical = "Critical",
  .timeout = "Timeout",
  .dns_servers = "DNSServer",
  .fallback = "FallbackDNS",
  .interface = "Interface",
  .proxy = "Proxy",
  .proxy_auth_file = "ProxyAuthFile",
  .proxy_cacert = "ProxyCACert",
  .cacert = "CACert",
};

/* One read callback: one check, its configuration, what it last saw. */
struct instance {
  const struct ep_probe_kind *kind;
  struct ep_config            cfg;
  double                      interval;
  struct ep_memory           *memory; /* the kind's, between reads */
  pthread_mutex_t             lock;
  struct ep_state_memory      states; /* each target's last state */
};

static void
instance_free(void *arg)
{
  struct instance *in = arg;

  if (!in)
    return;
  ep_config_cleanup(&in->cfg);
  ep_memory_free(in->memory);
  ep_state_memory_free(&in->states);
  pthread_mutex_destroy(&in->lock);
  free(in);
}

/* ---------------------------------------------------------------- values */

/* A target's name as a type instance: [A-Za-z0-9._-], others '_'. */
static void
instance_name(char *out, size_t size, const char *target, const char *suffix)
{
  size_t n = 0;
  const char *s;

  for (s = target; *s && n + 1 < size; s++)
    out[n++] = (isalnum((unsigned char)*s) || *s == '.' || *s == '-' ||
                *s == '_')
                 ? *s
                 : (*s == ' ' ? '-' : '_');
  out[n] = '\0';
  if (suffix && *suffix)
    snprintf(out + n, size - n, "-%s", suffix);
}

static void
dispatch_gauge(const struct instance *in, const char *type,
               const char *type_instance, double v)
{
  value_list_t vl = VALUE_LIST_INIT;
  value_t      value = {.gauge = v};

  vl.values = &value;
  vl.values_len = 1;
  sstrncpy(vl.plugin, PLUGIN, sizeof vl.plugin);
  sstrncpy(vl.plugin_instance, in->kind->name, sizeof vl.plugin_instance);
  sstrncpy(vl.type, type, sizeof vl.type);
  sstrncpy(vl.type_instance, type_instance, sizeof vl.type_instance);
  plugin_dispatch_values(&vl);
}

static void
dispatch_target(const struct instance *in, const struct ep_target_result *t)
{
  const struct ep_figure_decl *f;
  char                         ti[DATA_MAX_NAME_LEN];
  size_t                       i;

  /* Each figure as the kind declares it for collectd. */
  for (i = 0; i < t->n_perf; i++) {
    const struct ep_perf *p = &t->perf[i];

    for (f = in->kind->figures; f && f->figure; f++) {
      if (strcmp(p->figure, f->figure) != 0 || !f->collectd_type)
        continue;
      instance_name(ti, sizeof ti, t->name,
                    f->collectd_suffix ? p->figure : NULL);
      /* Not measured: NaN, a gap in the graph, not a zero. */
      dispatch_gauge(in, f->collectd_type, ti, p->measured ? p->value : NAN);
      break;
    }
  }
  instance_name(ti, sizeof ti, t->name, "state");
  dispatch_gauge(in, "gauge", ti, (double)t->state);
}

/* ---------------------------------------------------------- notifications */

static int
severity_of(enum ep_state s)
{
  return s == EP_STATE_OK        ? NOTIF_OKAY
         : s == EP_STATE_WARNING ? NOTIF_WARNING
                                 : NOTIF_FAILURE;
}

/* OLD is NULL for a target's first read. */
static void
notify(const struct instance *in, const struct ep_target_result *t,
       const enum ep_state *old)
{
  notification_t n = {0};
  char           ti[DATA_MAX_NAME_LEN];

  n.severity = severity_of(t->state);
  n.time = cdtime();
  sstrncpy(n.host, hostname_g, sizeof n.host);
  sstrncpy(n.plugin, PLUGIN, sizeof n.plugin);
  sstrncpy(n.plugin_instance, in->kind->name, sizeof n.plugin_instance);
  sstrncpy(n.type, "gauge", sizeof n.type);
  instance_name(ti, sizeof ti, t->name, "state");
  sstrncpy(n.type_instance, ti, sizeof n.type_instance);
  snprintf(n.message, sizeof n.message, "%s %s: %s%s%s%s%s%s: %s",
           in->kind->name, t->name, old ? ep_state_str(*old) : "",
           old ? " -> " : "", ep_state_str(t->state), t->cause ? " (" : "",
           t->cause ? t->cause : "", t->cause ? ")" : "",
           t->text ? t->text : "");
  plugin_notification_meta_add_string(&n, "check", in->kind->name);
  plugin_notification_meta_add_string(&n, "target", t->name);
  if (old)
    plugin_notification_meta_add_string(&n, "old_state", ep_state_str(*old));
  plugin_notification_meta_add_string(&n, "new_state",
                                      ep_state_str(t->state));
  if (t->cause)
    plugin_notification_meta_add_string(&n, "cause", t->cause);
  plugin_dispatch_notification(&n);
  plugin_notification_meta_free(n.meta);
}

/* A target's change of state, or a first read that is not OK. */
static void
notify_change(const struct ep_state_change *c, void *arg)
{
  notify(arg, c->target, c->first_seen ? NULL : &c->old);
}

/* ------------------------------------------------------------------ read */

static int
edgeprobe_read(user_data_t *ud)
{
  struct instance     *in = ud->data;
  struct ep_run_result run;
  struct ep_err        err = EP_ERR_INIT;
  size_t               i;
  int                  rc = 0;

  pthread_mutex_lock(&in->lock);
  /* A failing target is data; only a run that could not happen (a file
   * gone, no memory) is a failing read, which collectd backs off. */
  if (ep_check_run(&in->cfg, &in->kind, 1, &run, &err) != EP_OK) {
    ERROR(PLUGIN " plugin: %s check: %s", in->kind->name, err.msg);
    rc = -1;
  } else {
    const struct ep_check_result *r = &run.checks[0];
    const char *by = in->kind->report ? in->kind->report->per_server_by : NULL;
    struct ep_check_result by_server;

    /* A value series per configured server (NTP), from its best address,
     * whatever addresses a pool name has this time. */
    ep_check_result_init(&by_server);
    if (by && ep_check_result_by_host(r, by, &by_server) == EP_OK)
      r = &by_server;
    for (i = 0; i < r->n_targets; i++)
      dispatch_target(in, &r->targets[i]);
    /* The read's own wall time, as blackbox_exporter's probe duration. */
    dispatch_gauge(in, "duration", "", run.seconds);
    if (ep_state_memory_update(&in->states, r, &run.started, notify_change,
                               in) != EP_OK)
      WARNING(PLUGIN " plugin: %s check: out of memory remembering states",
              in->kind->name);
    ep_check_result_cleanup(&by_server);
    ep_run_result_cleanup(&run);
  }
  pthread_mutex_unlock(&in->lock);
  return rc;
}

/* --------------------------------------------------------------- config */

static int
config_fail(const oconfig_item_t *ci, const char *why)
{
  ERROR(PLUGIN " plugin: %s: %s", ci->key, why);
  return -1;
}

static int
add_string(const oconfig_item_t *ci, struct ep_strlist *l)
{
  char *s = NULL;
  int   rc = cf_util_get_string(ci, &s);

  if (rc == 0 && ep_strlist_add(l, s) != EP_OK)
    rc = config_fail(ci, "out of memory");
  free(s);
  return rc;
}

static int
config_check(const oconfig_item_t *ci)
{
  struct check_block *b, *v;
  size_t              i;
  int                 rc = 0;

  if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_STRING ||
      !ep_probe_kind_named(ci->values[0].value.string))
    return config_fail(ci, "expected <Check \"dns\">, \"ntp\", \"https\" or "
                           "\"nats\"");
  for (i = 0; i < conf.n_blocks; i++)
    if (strcmp(conf.blocks[i].name, ci->values[0].value.string) == 0)
      return config_fail(ci, "a second block for the same check");
  if (!(v = realloc(conf.blocks, (conf.n_blocks + 1) * sizeof *v)))
    return config_fail(ci, "out of memory");
  conf.blocks = v;
  b = &conf.blocks[conf.n_blocks++];
  memset(b, 0, sizeof *b);
  if (!(b->name = strdup(ci->values[0].value.string)))
    return config_fail(ci, "out of memory");
  for (i = 0; i < (size_t)ci->children_num && rc == 0; i++) {
    const oconfig_item_t *c = &ci->children[i];

    if (strcasecmp(c->key, "Target") == 0)
      rc = add_string(c, &b->targets);
    else if (strcasecmp(c->key, "Interval") == 0) {
      rc = cf_util_get_double(c, &b->interval);
      if (rc == 0 && !(b->interval > 0))
        rc = config_fail(c, "expected a number of seconds above 0");
    } else
      rc = config_fail(c, "unknown option in a <Check> block (Target, "
                          "Interval)");
  }
  return rc;
}

/* The option of the whole checklist a kind declares under key, or NULL. */
static const struct ep_option *
kind_option(const char *key)
{
  const struct ep_section *const *s;
  const struct ep_option *const  *o;

  for (s = ep_profile_sections; *s; s++)
    for (o = (*s)->options; o && *o; o++)
      if ((*o)->key && ((*o)->scope & EP_SCOPE_CHECKLIST) &&
          strcasecmp((*o)->key, key) == 0)
        return *o;
  return NULL;
}

static int
add_kind_value(const oconfig_item_t *c, const struct ep_option *o)
{
  struct kind_value *v;
  struct ep_err      err = EP_ERR_INIT;
  char              *s = NULL;
  int                rc = cf_util_get_string(c, &s);

  if (rc == 0 && o->check && o->check(o->key, s, &err) != EP_OK)
    rc = config_fail(c, err.msg);
  if (rc == 0 && !(v = realloc(conf.kind_values,
                               (conf.n_kind_values + 1) * sizeof *v)))
    rc = config_fail(c, "out of memory");
  if (rc != 0) {
    free(s);
    return rc;
  }
  conf.kind_values = v;
  v[conf.n_kind_values].option = o;
  v[conf.n_kind_values++].value = s;
  return 0;
}

static int
edgeprobe_config(oconfig_item_t *ci)
{
  int i, rc = 0;

  for (i = 0; i < ci->children_num && rc == 0; i++) {
    const oconfig_item_t *c = &ci->children[i];

    if (strcasecmp(c->key, "Profile") == 0)
      rc = cf_util_get_string(c, &conf.profile);
    else if (strcasecmp(c->key, "DNSServer") == 0)
      rc = add_string(c, &conf.dns_servers);
    else if (strcasecmp(c->key, "FallbackDNS") == 0)
      rc = cf_util_get_string(c, &conf.fallback);
    else if (strcasecmp(c->key, "Timeout") == 0) {
      rc = cf_util_get_double(c, &conf.timeout);
      if (rc == 0 && !(conf.timeout > 0 && conf.timeout <= 3600))
        rc = config_fail(c, "expected more than 0 and at most 3600 seconds");
    } else if (strcasecmp(c->key, "Interface") == 0)
      rc = cf_util_get_string(c, &conf.interface);
    else if (strcasecmp(c->key, "CACert") == 0)
      rc = cf_util_get_string(c, &conf.cacert);
    else if (strcasecmp(c->key, "Proxy") == 0)
      rc = cf_util_get_string(c, &conf.proxy);
    else if (strcasecmp(c->key, "ProxyAuthFile") == 0)
      rc = cf_util_get_string(c, &conf.proxy_auth_file);
    else if (kind_option(c->key))
      rc = add_kind_value(c, kind_option(c->key));
    else if (strcasecmp(c->key, "Check") == 0)
      rc = config_check(c);
    else
      rc = config_fail(c, "unknown option (Profile, DNSServer, FallbackDNS, "
                          "Timeout, Interface, MachineInterface, CACert, "
                          "Proxy, ProxyAuthFile, "
                          "NATSAuthFile, ExpectIssuer, <Check>)");
  }
  return rc;
}

/* The settings of one check, pointing into conf (which outlives the
 * build); targets from its block. */
static enum ep_status
settings_for(struct ep_settings *s, const struct check_block *b,
             struct ep_err *err)
{
  enum ep_status rc = EP_OK;
  size_t         i;

  ep_settings_init(s);
  s->names = &collectd_names;
  s->profile = conf.profile;
  s->fallback = conf.fallback;
  s->interface = conf.interface;
  s->cacert = conf.cacert;
  s->proxy = conf.proxy;
  s->proxy_auth_file = conf.proxy_auth_file;
  s->timeout = conf.timeout;
  s->dns_servers = conf.dns_servers; /* borrowed: not freed with s */
  if (b)
    s->hosts = b->targets;
  for (i = 0; i < conf.n_kind_values && rc == EP_OK; i++)
    rc = ep_settings_add(s, conf.kind_values[i].option,
                         conf.kind_values[i].option->key,
                         conf.kind_values[i].value, err);
  return rc;
}

/* What settings_for() made that s owns (the rest is conf's). */
static void
settings_release(struct ep_settings *s)
{
  size_t i;

  for (i = 0; i < s->n_values; i++) {
    free(s->values[i].what);
    free(s->values[i].value);
  }
  free(s->values);
  s->values = NULL;
  s->n_values = 0;
}

/* Builds one check's instance, every file read and checked; NULL (the
 * reason logged) when it cannot be. */
static struct instance *
build_instance(const struct ep_probe_kind *kind, const struct check_block *b)
{
  const struct ep_probe_kind *kinds[1] = {kind};
  struct ep_settings          s;
  struct ep_err               err = EP_ERR_INIT;
  struct instance            *in = calloc(1, sizeof *in);
  double                      interval;

  if (!in) {
    ERROR(PLUGIN " plugin: out of memory");
    return NULL;
  }
  in->kind = kind;
  pthread_mutex_init(&in->lock, NULL);
  interval = b && b->interval > 0 ? b->interval
                                  : CDTIME_T_TO_DOUBLE(plugin_get_interval());
  in->interval = interval = ep_schedule_interval(kind, interval);
  ep_config_init(&in->cfg);
  /* Every file it names is read now: a bad one fails the start, with
   * its line, rather than every read later. */
  if (settings_for(&s, b, &err) != EP_OK ||
      ep_config_build(&in->cfg, &s, ep_profile_sections,
                        kinds, 1, &err) != EP_OK ||
      ep_check_validate(&in->cfg, kinds, 1, &err) != EP_OK) {
    ERROR(PLUGIN " plugin: %s check: %s", kind->name, err.msg);
    settings_release(&s);
    instance_free(in);
    return NULL;
  }
  settings_release(&s);
  /* A read must end before the next is due: collectd calls it on time. */
  if (conf.timeout > 0 &&
      ep_schedule_check_timeout(conf.timeout, interval,
                                collectd_names.timeout, &err) != EP_OK) {
    ERROR(PLUGIN " plugin: %s check: %s", kind->name, err.msg);
    instance_free(in);
    return NULL;
  }
  if (conf.timeout <= 0)
    in->cfg.timeout = ep_schedule_timeout(in->cfg.timeout, interval);
  if (!(in->memory = in->cfg.memory = ep_memory_new())) {
    ERROR(PLUGIN " plugin: out of memory");
    instance_free(in);
    return NULL;
  }
  return in;
}

static void
read_name(char *out, size_t size, const struct instance *in)
{
  snprintf(out, size, PLUGIN "-%s", in->kind->name);
}

/* Registers every instance's read, or none: a configuration that fails
 * in one check runs no check at all. */
static int
register_all(struct instance **ins, size_t n)
{
  char        name[64];
  user_data_t ud = {0};
  size_t      i, j;

  for (i = 0; i < n; i++) {
    read_name(name, sizeof name, ins[i]);
    ud.data = ins[i];
    ud.free_func = instance_free;
    /* On failure collectd itself frees the user data (5.8 and later). */
    if (plugin_register_complex_read(NULL, name, edgeprobe_read,
                                     DOUBLE_TO_CDTIME_T(ins[i]->interval),
                                     &ud) != 0) {
      ERROR(PLUGIN " plugin: cannot register the %s check's read",
            ins[i]->kind->name);
      for (j = 0; j < i; j++) {
        read_name(name, sizeof name, ins[j]);
        plugin_unregister_read(name);
      }
      for (j = i + 1; j < n; j++)
        instance_free(ins[j]);
      return -1;
    }
  }
  for (i = 0; i < n; i++) {
    double drift = ep_schedule_first_drift(ins[i]->kind, ins[i]->interval,
                                           EP_DRIFT_MIN_INTERVAL);

    INFO(PLUGIN " plugin: %s check every %g s, deadline %g s",
         ins[i]->kind->name, ins[i]->interval, ins[i]->cfg.timeout);
    if (drift > 0)
      INFO(PLUGIN " plugin: %s check: drift (frequency_offset) from %g s "
                  "after the first read",
           ins[i]->kind->name, drift);
  }
  return 0;
}

static int
edgeprobe_init(void)
{
  const struct ep_probe_kind *kind;
  struct ep_settings          s;
  struct ep_config            all;
  struct ep_err               err = EP_ERR_INIT;
  struct instance            *ins[64];
  size_t                      i, n = 0;
  int                         rc = 0;

  if (conf.inited)
    return 0;
  if (ep_global_init(ep_probe_kinds, ep_probe_kinds_n, &err) != EP_OK) {
    ERROR(PLUGIN " plugin: %s", err.msg);
    return -1;
  }
  conf.inited = true;
  if (conf.n_blocks) {
    for (i = 0; i < conf.n_blocks && rc == 0; i++) {
      kind = ep_probe_kind_named(conf.blocks[i].name);
      if (!(ins[n++] = build_instance(kind, &conf.blocks[i])))
        rc = -1;
    }
  } else {
    /* No <Check> block: every check the profile has something for. */
    ep_config_init(&all);
    if (settings_for(&s, NULL, &err) != EP_OK ||
        ep_config_build(&all, &s, ep_profile_sections,
                        ep_probe_kinds, ep_probe_kinds_n, &err) !=
        EP_OK) {
      ERROR(PLUGIN " plugin: %s", err.msg);
      rc = -1;
    }
    for (i = 0; i < ep_probe_kinds_n && rc == 0; i++)
      if (ep_config_check(&all, ep_probe_kinds[i])->wanted &&
          !(ins[n++] = build_instance(ep_probe_kinds[i], NULL)))
        rc = -1;
    settings_release(&s);
    ep_config_cleanup(&all);
  }
  if (rc == 0)
    return register_all(ins, n);
  for (i = 0; i < n; i++)
    instance_free(ins[i]);
  return -1;
}

static int
edgeprobe_shutdown(void)
{
  size_t i;

  /* collectd has stopped the reads: nothing runs a probe any more. */
  if (conf.inited)
    ep_global_cleanup(ep_probe_kinds, ep_probe_kinds_n);
  for (i = 0; i < conf.n_blocks; i++) {
    free(conf.blocks[i].name);
    ep_strlist_free(&conf.blocks[i].targets);
  }
  free(conf.blocks);
  free(conf.profile);
  free(conf.fallback);
  free(conf.interface);
  free(conf.cacert);
  free(conf.proxy);
  free(conf.proxy_auth_file);
  for (i = 0; i < conf.n_kind_values; i++)
    free(conf.kind_values[i].value);
  free(conf.kind_values);
  ep_strlist_free(&conf.dns_servers);
  memset(&conf, 0, sizeof conf);
  return 0;
}

void
module_register(void)
{
  plugin_register_complex_config(PLUGIN, edgeprobe_config);
  plugin_register_init(PLUGIN, edgeprobe_init);
  plugin_register_shutdown(PLUGIN, edgeprobe_shutdown);
}
