package io.jpod.registry;

/** What a push reports: the tag, and the pushed manifest's digest and size. */
public record PushResult(String tag, String digest, long size) {}
