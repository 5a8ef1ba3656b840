package io.chronik.pipeline.driver;

/**
 * Groups that got an input since the driver last collected Readies: only they can have a Ready, so a loop
 * looks at a handful of groups, not all thousands. After a task (which may touch any group) or at the
 * start, every hosted group is looked at ({@link #all}). Driver thread only.
 */
final class TouchedGroups {
  private final boolean[] touched;
  private final int[] ids;
  private int count;
  private boolean all = true;

  TouchedGroups(int groupsMax) {
    this.touched = new boolean[groupsMax];
    this.ids = new int[groupsMax];
  }

  void touch(int groupId) {
    if (!touched[groupId]) {
      touched[groupId] = true;
      ids[count++] = groupId;
    }
  }

  /** Any group may have work (a task ran): the next collection looks at every hosted group. */
  void touchAll() {
    all = true;
  }

  /** The next collection must look at every hosted group. */
  boolean all() {
    return all;
  }

  int count() {
    return count;
  }

  int id(int i) {
    return ids[i];
  }

  /** The collection is done: nothing is touched any more. */
  void clear() {
    for (int t = 0; t < count; t++) {
      touched[ids[t]] = false;
    }
    count = 0;
    all = false;
  }
}
