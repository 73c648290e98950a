/* What every check(3) suite of ours shares: its main(), which runs the
 * suite and exits non-zero when a test failed. */
#ifndef EP_UNIT_H
#define EP_UNIT_H

#include <check.h>
#include <stdlib.h>

#define EP_UNIT_MAIN(suite_fn)                                                 \
  int main(void)                                                               \
  {                                                                            \
    SRunner *sr = srunner_create(suite_fn());                                  \
    int      failed;                                                           \
                                                                               \
    srunner_run_all(sr, CK_NORMAL);                                            \
    failed = srunner_ntests_failed(sr);                                        \
    srunner_free(sr);                                                          \
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;                          \
  }

#endif
