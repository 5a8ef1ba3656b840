package io.chronik.control.workload.client;

/**
 * What one workload's clients may report on the wire: every workload speaks the same line protocol
 * ({@link ClientWire}, one EDN op map per line), but only its own operations, in their own shapes; and
 * what a client killed between two operations leaves in the history.
 */
public interface ClientOps {
  /**
   * Why {@code m} is not an operation of this workload, as {@code key=value} words, or null.
   *
   * @param invoked the value of the in-flight invocation {@code m} completes (null when {@code m} is an invocation)
   */
  String problem(ClientMessage m, Object invoked);

  /**
   * Whether a client killed with nothing in flight leaves a {@code :crash} op ({@code :invoke} and
   * {@code :info}), which makes it continue as a new Jepsen process. Otherwise such a kill records
   * nothing: no operation was open, so none is indeterminate, and the client keeps its process.
   */
  boolean crashOpWhenIdle();

  /**
   * The kafka workload's: any op map (its checker reads the shapes); a kill between operations is a
   * {@code :crash}, because the checker follows each process's polls and a restarted consumer starts
   * reading over again, which under the old process would look like a rewind.
   */
  ClientOps KAFKA = new ClientOps() {
    @Override
    public String problem(ClientMessage m, Object invoked) {
      return null;
    }

    @Override
    public boolean crashOpWhenIdle() {
      return true;
    }
  };
}
