#pragma once
#include <errno.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>
#include <libavutil/samplefmt.h>
#include <libavutil/tx.h>

/// AVERROR(EAGAIN): a macro Swift cannot import.
static inline int swift_AVERROR_EAGAIN(void) { return AVERROR(EAGAIN); }
/// AVERROR_EOF as a function.
static inline int swift_AVERROR_EOF(void) { return AVERROR_EOF; }
/// AVERROR(e) for any errno value.
static inline int swift_AVERROR(int e) { return AVERROR(e); }
/// AV_NOPTS_VALUE as a function.
static inline int64_t swift_AV_NOPTS_VALUE(void) { return AV_NOPTS_VALUE; }
/// AV_TIME_BASE as a function.
static inline int swift_AV_TIME_BASE(void) { return AV_TIME_BASE; }

#if defined(__GLIBC__)
#include <malloc.h>
#endif
/// AVAlign: keep glibc from mmap-ing (and later unmapping) blocks below `bytes`, so large
/// per-frame buffers are reused instead of page-faulted and zeroed anew. No-op off glibc.
static inline void swift_avalign_keep_large_blocks(int bytes) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, bytes);
    mallopt(M_TRIM_THRESHOLD, 2 * bytes);
#else
    (void)bytes;
#endif
}
