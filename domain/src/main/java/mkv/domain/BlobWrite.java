package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import mkv.domain.Md5;

/**
 * What streaming one body to every target gave: each replica's outcome, the bytes read
 * and their md5, and, when the client's body broke off, why.
 */
public record BlobWrite(Seq<Transfer> transfers, long size, Md5 md5, Option<String> bodyError) {}
