/* What every fuzz target of ours shares.  Built with clang's
 * -fsanitize=fuzzer (configure --enable-fuzzing), a target is a libFuzzer
 * program; otherwise this main() replays the files and directories it is
 * given through the same entry point, so that `make check` runs every
 * committed input with the normal compiler (as c-ares's ares-fuzz.c). */
#ifndef EP_FUZZ_H
#define EP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef EP_LIBFUZZER
#  include <dirent.h>
#  include <stdio.h>
#  include <stdlib.h>
#  include <string.h>
#  include <sys/stat.h>

#  define EP_FUZZ_INPUT_MAX (1u << 20)

static int
ep_fuzz_replay_file(const char *path)
{
  FILE   *f = fopen(path, "rb");
  uint8_t *buf;
  size_t  n;

  if (!f) {
    perror(path);
    return -1;
  }
  buf = malloc(EP_FUZZ_INPUT_MAX);
  if (!buf) {
    fclose(f);
    return -1;
  }
  n = fread(buf, 1, EP_FUZZ_INPUT_MAX, f);
  fclose(f);
  /* Exactly n bytes, as libFuzzer hands them: a copy of that size lets
   * the sanitizers and valgrind see a read past the end. */
  {
    uint8_t *exact = malloc(n ? n : 1);

    if (!exact) {
      free(buf);
      return -1;
    }
    memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
  }
  return 0;
}

static int
ep_fuzz_replay(const char *path, unsigned long *count)
{
  struct stat    st;
  DIR           *d;
  struct dirent *e;
  char           child[4096];
  int            rc = 0;

  if (stat(path, &st) != 0) {
    perror(path);
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    (*count)++;
    return ep_fuzz_replay_file(path);
  }
  if (!(d = opendir(path))) {
    perror(path);
    return -1;
  }
  while (rc == 0 && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    snprintf(child, sizeof child, "%s/%s", path, e->d_name);
    rc = ep_fuzz_replay(child, count);
  }
  closedir(d);
  return rc;
}

int
main(int argc, char **argv)
{
  unsigned long count = 0;
  int           i;

  for (i = 1; i < argc; i++)
    if (ep_fuzz_replay(argv[i], &count) != 0)
      return 2;
  printf("%s: %lu inputs replayed\n", argv[0], count);
  return count ? 0 : 1;
}
#endif

#endif
