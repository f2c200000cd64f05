/*
 * term.c - escaping text for a terminal (see term.h).
 */
#include "sim/term.h"

#include <string.h>

/* The length of the valid UTF-8 sequence at S (at most N bytes) and its
 * code point in *CP, or 0 when S does not start one (overlong forms,
 * surrogates and values past U+10FFFF are not valid). */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
    unsigned char c = s[0];
    size_t len;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2;
        *cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        *cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        *cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 2 && *cp < 0x80) || (len == 3 && *cp < 0x800) || (len == 4 && *cp < 0x10000) || *cp > 0x10FFFF
        || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return len;
}

/* The character at S (N bytes left) as shown: into OUT (at least 25
 * bytes), its length in *SHOWN; returns the bytes of S it takes. */
static size_t show_char(const unsigned char *s, size_t n, char *out, size_t *shown)
{
    static const char hex[] = "0123456789abcdef";
    unsigned long cp;
    size_t len = utf8_decode(s, n, &cp);
    int escape_bytes = len == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
    if (escape_bytes) {
        size_t k = len ? len : 1;
        for (size_t i = 0; i < k; i++) {
            out[4 * i] = '\\';
            out[4 * i + 1] = 'x';
            out[4 * i + 2] = hex[s[i] >> 4];
            out[4 * i + 3] = hex[s[i] & 15];
        }
        *shown = 4 * k;
        return k;
    }
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
        out[0] = '\\';
        out[1] = 'u';
        for (int i = 0; i < 4; i++)
            out[2 + i] = hex[(cp >> (12 - 4 * i)) & 15];
        *shown = 6;
        return len;
    }
    memcpy(out, s, len);
    *shown = len;
    return len;
}

size_t term_escape(const char *s, char *buf, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), need = 0, used = 0;
    int fits = len > 0;
    for (size_t i = 0; i < n;) {
        char one[32];
        size_t shown;
        i += show_char(p + i, n - i, one, &shown);
        if (fits && used + shown < len) {
            memcpy(buf + used, one, shown);
            used += shown;
        } else {
            fits = 0;
        }
        need += shown;
    }
    if (len)
        buf[used] = '\0';
    return need;
}

void term_put(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        char one[32];
        size_t shown;
        i += show_char(p + i, n - i, one, &shown);
        fwrite(one, 1, shown, f);
    }
}

void term_column(FILE *f, const char *s, int width)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    /* the characters S takes when shown (an escape is as many as its text) */
    size_t chars = 0;
    for (size_t i = 0; i < n;) {
        char one[32];
        size_t shown;
        size_t k = show_char(p + i, n - i, one, &shown);
        chars += one[0] == '\\' ? shown : 1;
        i += k;
    }
    size_t w = width > 0 ? (size_t)width : 0, keep = chars <= w ? chars : w > 3 ? w - 3 : 0, put = 0;
    for (size_t i = 0; i < n;) {
        char one[32];
        size_t shown;
        size_t k = show_char(p + i, n - i, one, &shown);
        size_t c = one[0] == '\\' ? shown : 1;
        if (put + c > keep)
            break;
        fwrite(one, 1, shown, f);
        put += c;
        i += k;
    }
    if (chars > w)
        fputs(w > 3 ? "..." : "", f);
    for (size_t i = put + (chars > w && w > 3 ? 3 : 0); i < w; i++)
        fputc(' ', f);
}
