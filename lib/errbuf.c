#include <stdarg.h>
#include <stdio.h>

#include "ekonet/errbuf.h"

int errbuf_set(struct errbuf *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}
