package io.chronik.control.nemesis;

/**
 * One nemesis operation as the history records it (Jepsen: process {@code :nemesis}, type
 * {@code :info}): {@code phase} is "invoke" when the fault starts being applied and "info" once it
 * is in place (or failed, with the error in {@code value}). {@code f} names the fault
 * (start-partition, stop-kill, ...); {@code value} says on whom: an EDN value such as
 * {@code {:targets ["n1"]}} or a description.
 */
public record NemesisEvent(long timeNanos, String phase, String f, Object value) {}
