package io.transferqueue.backend.simple;

/** Test seam: told where unit work runs. Must not throw; {@link #beforeTask} may block (tests use a barrier). */
interface UnitListener {
    UnitListener NONE = (unit, op) -> {
    };

    /** Called on the unit's thread before it runs {@code op} ({@code put}, {@code get}, {@code clear}, ...). */
    void beforeTask(int unit, String op);

    /** Called when {@code op} ({@code put}, {@code clear}) runs for {@code unit} on the caller's thread. */
    default void inline(int unit, String op) {
    }
}
