/** A stream as the last command of this process left it: what the next one in line may start from. */
export interface StreamSnapshot {
  /** The aggregate definition that folded `state` (a snapshot is only taken over by the same one). */
  aggregate: unknown;
  state: unknown;
  revision: number;
  lastHash: string;
}

/** One command's turn on a stream. */
export interface StreamTurn {
  /** The snapshot the command before this one left, if any (taken once). */
  takeHandoff(): StreamSnapshot | undefined;
  /** Leaves the stream's state for the next command in line; dropped when none waits. */
  handOn(snapshot: StreamSnapshot | (() => StreamSnapshot)): void;
}

interface Queue {
  tail: Promise<void>;
  /** Commands holding or awaiting the turn. */
  queued: number;
  handoff?: StreamSnapshot;
}

/**
 * Commands of this process on one stream take turns (other streams are not held up): on a hot
 * stream, concurrent writers of one instance never conflict with each other, and a command that
 * finds others waiting hands them the state it leaves, so the next one does not read the stream
 * again. Writers in other instances are still caught by the expected revision.
 */
export class StreamTurns {
  private readonly queues = new Map<string, Queue>();

  async take<Result>(streamId: string, work: (turn: StreamTurn) => Promise<Result>): Promise<Result> {
    let queue = this.queues.get(streamId);
    if (!queue) {
      queue = { tail: Promise.resolve(), queued: 0 };
      this.queues.set(streamId, queue);
    }
    const current = queue;
    const previous = current.tail;
    let release!: () => void;
    current.tail = new Promise<void>((resolve) => (release = resolve));
    current.queued++;
    const turn: StreamTurn = {
      takeHandoff: () => {
        const handoff = current.handoff;
        current.handoff = undefined;
        return handoff;
      },
      handOn: (snapshot) => {
        if (current.queued > 1) current.handoff = typeof snapshot === 'function' ? snapshot() : snapshot;
      },
    };
    try {
      await previous;
      return await work(turn);
    } finally {
      current.queued--;
      if (current.queued === 0 && this.queues.get(streamId) === current) this.queues.delete(streamId);
      release();
    }
  }
}
