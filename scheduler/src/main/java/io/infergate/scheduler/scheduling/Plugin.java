package io.infergate.scheduler.scheduling;

/** A scheduling plugin: its GIE type name (e.g. {@code queue-scorer}) and its instance name in a config. */
public interface Plugin {

    /** The registered type name, byte for byte as GIE spells it where GIE has one. */
    String type();

    /** The instance name (defaults to the type). */
    default String name() {
        return type();
    }
}
