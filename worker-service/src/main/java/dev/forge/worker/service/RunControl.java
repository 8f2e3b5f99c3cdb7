package dev.forge.worker.service;

/** Signals from the worker to one running Coordinator; checked between steps. */
public final class RunControl {

    private volatile String stopReason;

    /** Stop at the next step boundary without writing anything more (lease lost, or work handed back). */
    public void stop(String reason) {
        this.stopReason = reason;
    }

    public boolean stopped() {
        return stopReason != null;
    }

    public String stopReason() {
        return stopReason;
    }
}
