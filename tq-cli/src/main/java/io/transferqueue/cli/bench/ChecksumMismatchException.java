package io.transferqueue.cli.bench;

/** Bytes read back differ from the bytes written: the run fails, naming the side, the scale and the field. */
final class ChecksumMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ChecksumMismatchException(String target, String scale, String field, String detail) {
        super("checksum mismatch: " + target + ", scale " + scale + ", field " + field + ": " + detail);
    }
}
