package io.chronik.raft.storage;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.SnapshotMeta;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * What one group directory holds, recovered at open ({@link DurableLogStorage#open}): the log (a torn tail
 * cut, damage repaired or refused), the hard state, the snapshot, an interrupted install of a leader's
 * image finished, and the log and the snapshot reconciled after a crash between storing one and resetting
 * the other.
 */
record StoredGroup(SegmentedLog log, RepairFloor.Floor repairFloor, SnapshotFile snapshotFile,
    HardStateFile.Stored hardState, SnapshotMeta snapshot, byte[] snapshotData) {

  static StoredGroup recover(Disk disk, Path directory, LogConfig config, ToLongFunction<Entry> keyOf,
      boolean repair, HardStateStore hardStates) throws IOException {
    List<Path> parentsToSync = disk.createDirectories(directory);
    ImageInstall.clearForResume(disk, directory);
    SnapshotFile snapshotFile = new SnapshotFile(disk, directory);
    HardStateFile.Stored hs = hardStates.load();
    if (hs.equals(HardStateFile.Stored.EMPTY) && !(hardStates instanceof HardStateFile)) {
      hs = new HardStateFile(disk, directory).load();
    }
    SnapshotFile.Stored snap;
    CorruptLogException snapshotDamage = null;
    try {
      snap = snapshotFile.load();
    } catch (CorruptLogException damaged) {
      snap = SnapshotFile.Stored.EMPTY;
      snapshotDamage = damaged;
    }
    SnapshotMeta meta = snap.index() == 0 ? SnapshotMeta.EMPTY
        : new SnapshotMeta(snap.index(), snap.term(), DurableLogStorage.decodeConfiguration(snap.metadata()));
    RepairFloor.Opened opened = RepairFloor.openLog(disk, directory, config, hs.commit(), hs.term(), repair);
    SegmentedLog log = opened.log();
    RepairFloor.Floor repairFloor = opened.floor();
    log.parentsUnsynced(parentsToSync); // synced by the first sync, deferred so opening 4,096 groups costs no fsync
    ImageInstall.Installed resumed = ImageInstall.resume(disk, directory, log, snapshotFile, keyOf);
    if (resumed != null) {
      meta = resumed.meta();
      snap = new SnapshotFile.Stored(meta.index(), meta.term(), DurableLogStorage.encodeConfiguration(meta.config()), resumed.state());
      snapshotDamage = null;
    }
    if (snapshotDamage != null) {
      // Both generations are damaged. A log that still starts at index 1 holds everything the
      // snapshots summarised, so the state is rebuilt from it; otherwise the group cannot open.
      if (log.firstIndex() != 1) {
        log.close();
        throw snapshotDamage;
      }
      System.getLogger(DurableLogStorage.class.getName()).log(System.Logger.Level.WARNING,
          "dir=" + directory + " reason=snapshots-damaged action=rebuild-from-log firstIndex=1 detail=["
              + snapshotDamage.getMessage() + "]");
    }
    // A crash between storing a leader's snapshot and resetting the log leaves a log that does not
    // reach (or does not match) the snapshot: the snapshot wins.
    boolean logCoversSnapshot = meta.index() <= log.lastIndex() && meta.index() >= log.firstIndex() - 1
        && log.term(meta.index()) == meta.term();
    if (meta.index() > 0 && !logCoversSnapshot && resumed == null && repairFloor.index() > 0) {
      // a repair cut entries the snapshot summarises, and a partition's log is its data: keep neither
      // (also when a crash interrupted this, the floor is still there); the leader refills the group
      snapshotFile.deleteAll();
      meta = SnapshotMeta.EMPTY;
      snap = SnapshotFile.Stored.EMPTY;
      log.reset(1, 0);
    } else if (meta.index() > 0 && !logCoversSnapshot) {
      log.reset(meta.index() + 1, meta.term());
    }
    return new StoredGroup(log, repairFloor, snapshotFile, hs, meta, snap.data());
  }
}
