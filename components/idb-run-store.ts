import type { RunStore, StoredRun } from '../src/view/run-list.ts';

const DB = 'bitplane';
const STORE = 'runs';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * The run list's store in the browser: one IndexedDB database ("bitplane"), one object store ("runs")
 * keyed by the run's id, so kept runs survive a reload. Same origin only; nothing leaves the page.
 */
export class IdbRunStore implements RunStore {
  private db?: Promise<IDBDatabase>;

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const r = indexedDB.open(DB, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'id' });
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    return this.db;
  }

  private async tx(mode: IDBTransactionMode): Promise<IDBObjectStore> {
    return (await this.open()).transaction(STORE, mode).objectStore(STORE);
  }

  async all(): Promise<StoredRun[]> {
    return request((await this.tx('readonly')).getAll() as IDBRequest<StoredRun[]>);
  }

  async put(run: StoredRun): Promise<void> {
    await request((await this.tx('readwrite')).put(run));
  }

  async delete(id: string): Promise<void> {
    await request((await this.tx('readwrite')).delete(id));
  }
}
