/*
 * term.h - text from a user's files or command line, made safe for a
 * terminal.
 *
 * A name in a model (a plan, a scenario, a file's path) can hold bytes a
 * terminal acts on: ESC starting an escape sequence that recolours, moves
 * the cursor or retitles the window, a carriage return or backspace that
 * overwrites what came before.  Everything cpcsim prints for a human (the
 * terminal summaries, diagnostics, usage messages) goes through term_escape
 * or term_put, which show such bytes as text:
 *
 *   - C0 controls and DEL (0x00-0x1f, 0x7f), raw bytes that are not UTF-8
 *     (0x80-0xff outside a valid sequence: C1 controls on 8-bit
 *     terminals), and C1 controls written in UTF-8 (U+0080-U+009F) are
 *     shown as \xNN, byte by byte;
 *   - the bidirectional overrides and isolates (U+202A-U+202E,
 *     U+2066-U+2069), which reorder the text shown around them, as \uNNNN.
 *
 * Everything else, valid UTF-8 text included, is shown as it is.  Reports
 * (CSV files) keep the bytes as written: this is for terminals only.
 */
#ifndef CPC_TERM_H
#define CPC_TERM_H

#include <stddef.h>
#include <stdio.h>

/*
 * Writes S escaped into BUF (LEN bytes, NUL-terminated; cut at a character
 * boundary, never inside an escape or a UTF-8 sequence, when it does not
 * fit).  Returns the length S escaped takes without the NUL, so that
 * term_escape(s, NULL, 0) + 1 is the size to allocate.
 */
size_t term_escape(const char *s, char *buf, size_t len);

/* Writes S escaped to F. */
void term_put(FILE *f, const char *s);

/* Writes S escaped to F in a column WIDTH characters wide: padded with
 * spaces, or cut to WIDTH - 3 characters and "..." when longer. */
void term_column(FILE *f, const char *s, int width);

#endif
