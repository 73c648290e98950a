#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ep_summary.h"

/* Whether problem i's why was already said by an earlier problem's. */
static bool
said_before(const struct ep_problem *p, size_t i)
{
  size_t j;

  if (!p[i].why)
    return false;
  for (j = 0; j < i; j++)
    if (p[j].why && strcmp(p[j].why, p[i].why) == 0)
      return true;
  return false;
}

static size_t
sharing(const struct ep_problem *p, size_t n, size_t i)
{
  size_t j, count = 1;

  if (!p[i].why)
    return 1;
  for (j = i + 1; j < n; j++)
    if (p[j].why && strcmp(p[j].why, p[i].why) == 0)
      count++;
  return count;
}

size_t
ep_text_cut_len(const char *text, size_t max)
{
  size_t len = strlen(text);

  if (len <= max || max < 4)
    return len;
  len = max - 3;
  while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
    len--;
  return len;
}

/* Appends piece, cut at about room bytes with "..." when longer. */
static enum ep_status
add_cut(struct ep_buf *b, const char *piece, size_t room)
{
  size_t len = ep_text_cut_len(piece, room);

  if (ep_buf_add(b, piece, len) != EP_OK)
    return EP_ENOMEM;
  return piece[len] ? ep_buf_add(b, "...", 3) : EP_OK;
}

/* Appends to piece the names of the problems sharing p[i]'s why, in
 * parentheses, while they fit in room; "..." for the rest. */
static enum ep_status
add_names(struct ep_buf *piece, const struct ep_problem *p, size_t n,
          size_t i, size_t room)
{
  enum ep_status rc = ep_buf_add(piece, " (", 2);
  size_t         j, shown = 0;

  for (j = i; j < n && rc == EP_OK; j++) {
    size_t len;

    if (!p[j].why || strcmp(p[j].why, p[i].why) != 0 || !p[j].name)
      continue;
    len = strlen(p[j].name);
    if (shown && piece->len + 2 + len + 5 > room) {
      rc = ep_buf_add(piece, ", ...", 5);
      break;
    }
    if (shown)
      rc = ep_buf_add(piece, ", ", 2);
    if (rc == EP_OK)
      rc = ep_buf_add(piece, p[j].name, len);
    shown++;
  }
  if (rc == EP_OK)
    rc = ep_buf_add(piece, ")", 1);
  return rc;
}

static enum ep_status
summarize(struct ep_buf *b, const struct ep_problem *p, size_t n,
          size_t n_total, size_t n_fine, const char *noun, size_t budget,
          bool name_them)
{
  struct ep_buf  piece;
  enum ep_status rc = EP_OK;
  size_t         i, start = b->len, told = 0, groups = 0, count = 0;
  bool           one_shared = false;

  if (n == 0)
    return EP_OK;
  ep_buf_init(&piece, 65536);
  for (i = 0; i < n && rc == EP_OK; i++) {
    size_t used = b->len - start, sep = used ? 2 : 0;

    if (said_before(p, i))
      continue;
    count = sharing(p, n, i);
    ep_buf_reset(&piece);
    if (count > 1) {
      rc = ep_buf_printf(&piece, "%zu of %zu %s: %s", count, n_total, noun,
                         p[i].why);
      /* Room kept for what may follow: "; and N more (F of N fine)". */
      if (rc == EP_OK && name_them)
        rc = add_names(&piece, p, n, i,
                       budget > used + sep + 32 ? budget - used - sep - 32
                                                : 0);
    } else if ((name_them || strlen(p[i].text) > budget) && p[i].name &&
               p[i].why)
      /* What the server said of itself can wait for the long output;
       * the cause cannot. */
      rc = ep_buf_printf(&piece, "%s: %s", p[i].name, p[i].why);
    else
      rc = ep_buf_printf(&piece, "%s", p[i].text);
    if (rc != EP_OK)
      break;
    /* The first always goes in, cut to fit; a later one only whole. */
    if (groups && used + sep + piece.len > budget)
      break;
    if (sep)
      rc = ep_buf_add(b, "; ", 2);
    if (rc == EP_OK)
      rc = add_cut(b, ep_buf_str(&piece), budget > used + sep
                                             ? budget - used - sep
                                             : 0);
    one_shared = groups == 0 && count > 1;
    told += count;
    groups++;
  }
  ep_buf_cleanup(&piece);
  if (rc == EP_OK && told < n)
    rc = ep_buf_printf(b, "; and %zu more", n - told);
  if (rc == EP_OK && n_fine && !(one_shared && groups == 1 && told == n))
    rc = ep_buf_printf(b, " (%zu of %zu %s fine)", n_fine, n_total, noun);
  return rc;
}

enum ep_status
ep_summary_problems(struct ep_buf *b, const struct ep_problem *p, size_t n,
                    size_t n_total, size_t n_fine, const char *noun,
                    size_t budget)
{
  return summarize(b, p, n, n_total, n_fine, noun, budget, false);
}

enum ep_status
ep_summary_problems_named(struct ep_buf *b, const struct ep_problem *p,
                          size_t n, size_t n_total, size_t n_fine,
                          const char *noun, size_t budget)
{
  return summarize(b, p, n, n_total, n_fine, noun, budget, true);
}
