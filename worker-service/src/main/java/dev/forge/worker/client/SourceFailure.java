package dev.forge.worker.client;

/** A webapp's source could not be fetched or unpacked: the message says what and why, for the caller. */
public class SourceFailure extends Exception {

    public SourceFailure(String message) {
        super(message);
    }
}
