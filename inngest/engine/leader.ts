/**
 * Which web replica's local engine runs the queue. Every replica accepts events (they are rows
 * in the shared database), but only one at a time reads the queue and calls serve(): the
 * engine's concurrency limits are counted in its memory, and two engines reading one queue
 * would both run the same step. The leader holds a PostgreSQL advisory lock on a connection of
 * its own; when its process dies the connection closes, the lock goes with it, and another
 * replica takes over within `checkEveryMs` and resumes the queue where it stands (a step the
 * dead leader was running is run again: steps are idempotent).
 */
export type Leadership = {
  /** Starts competing; `onChange` is called whenever this replica becomes or stops being leader. */
  start(onChange: (leader: boolean) => void): Promise<void>;
  isLeader(): boolean;
  stop(): Promise<void>;
};

/** PGlite: one process, so always the leader. */
export function soleLeadership(): Leadership {
  let leader = false;
  return {
    async start(onChange) {
      leader = true;
      onChange(true);
    },
    isLeader: () => leader,
    async stop() {
      leader = false;
    },
  };
}

/** Any fixed number: the lock's name among the database's advisory locks. */
const lockKey = 7_231_962_001;

export function postgresLeadership(url: string, options: { checkEveryMs?: number; log?: Pick<Console, "info" | "warn"> } = {}): Leadership {
  const checkEveryMs = options.checkEveryMs ?? 2000;
  const log = options.log ?? console;
  let leader = false;
  let timer: NodeJS.Timeout | undefined;
  let sql: import("postgres").Sql | undefined;
  let changed: (leader: boolean) => void = () => {};
  const become = (value: boolean) => {
    if (value === leader) return;
    leader = value;
    log.info(`[engine] ${value ? "this replica now runs the job queue" : "this replica no longer runs the job queue"}`);
    changed(value);
  };

  /**
   * Holding: the lock is still this session's (after a dropped connection postgres.js opens a
   * new session, which holds nothing). Not holding: tries to take it, without waiting.
   */
  const check = async () => {
    try {
      if (leader) {
        const [row] = await sql!<{ held: boolean }[]>`
          select exists(select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted) as held`;
        become(row.held);
      } else {
        const [row] = await sql!<{ taken: boolean }[]>`select pg_try_advisory_lock(${lockKey}) as taken`;
        become(row.taken);
      }
    } catch (error) {
      if (leader) log.warn("[engine] lost the database connection that holds the queue:", error instanceof Error ? error.message : error);
      become(false);
    }
  };

  return {
    async start(onChange) {
      changed = onChange;
      const { default: postgres } = await import("postgres");
      sql = postgres(url, {
        max: 1,
        onnotice: () => {},
        idle_timeout: 0,
        max_lifetime: 0,
        // The session that held the lock is gone: so is the lock.
        onclose: () => become(false),
      });
      await check();
      timer = setInterval(() => void check(), checkEveryMs);
      timer.unref();
    },
    isLeader: () => leader,
    async stop() {
      clearInterval(timer);
      changed = () => {};
      leader = false;
      await sql?.end({ timeout: 2 });
    },
  };
}
