// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl: a minimal JSON writer for --json listings.
 */
#include "ksctl.h"

void json_begin(struct json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->first = true;
}

static void item(struct json *j, const char *key)
{
	if (j->depth) {
		fputs(j->first ? "\n" : ",\n", j->out);
		fprintf(j->out, "%*s", 2 * j->depth, "");
	}
	j->first = false;
	if (key) {
		fputc('"', j->out);
		fputs(key, j->out);
		fputs("\": ", j->out);
	}
}

static void escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void json_open(struct json *j, const char *key, char bracket)
{
	item(j, key);
	fputc(bracket, j->out);
	j->depth++;
	j->first = true;
}

void json_close(struct json *j, char bracket)
{
	j->depth--;
	if (!j->first)
		fprintf(j->out, "\n%*s", 2 * j->depth, "");
	fputc(bracket, j->out);
	j->first = false;
}

void json_str(struct json *j, const char *key, const char *value)
{
	item(j, key);
	if (value)
		escaped(j->out, value);
	else
		fputs("null", j->out);
}

void json_uint(struct json *j, const char *key, unsigned long long value)
{
	item(j, key);
	fprintf(j->out, "%llu", value);
}

void json_int(struct json *j, const char *key, long long value)
{
	item(j, key);
	fprintf(j->out, "%lld", value);
}

void json_fixed(struct json *j, const char *key, double value, int decimals)
{
	item(j, key);
	fprintf(j->out, "%.*f", decimals, value);
}

void json_bool(struct json *j, const char *key, bool value)
{
	item(j, key);
	fputs(value ? "true" : "false", j->out);
}

void json_end(struct json *j)
{
	fputc('\n', j->out);
}
