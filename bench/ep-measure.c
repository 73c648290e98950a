/* Runs a command and prints "WALL_S CPU_S MAXRSS_KIB EXIT" on stderr-free
 * stdout: wall time from CLOCK_MONOTONIC, CPU and max RSS from wait4(),
 * finer than GNU time's 10 ms. */
#include "config.h"

#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
  struct timespec t0, t1;
  struct rusage   ru;
  pid_t           pid;
  int             status = 0;
  FILE           *out;

  if (argc < 3) {
    fprintf(stderr, "usage: ep-measure OUTFILE COMMAND [ARG...]\n");
    return 2;
  }
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid = fork();
  if (pid < 0) {
    perror("fork");
    return 2;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    _exit(127);
  }
  if (wait4(pid, &status, 0, &ru) < 0) {
    perror("wait4");
    return 2;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  out = fopen(argv[1], "a");
  if (!out) {
    perror(argv[1]);
    return 2;
  }
  fprintf(out, "%.6f %.6f %ld %d\n",
          (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
          (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
            (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
          ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128);
  fclose(out);
  return 0;
}
