/** A kafkajs admin client that is always disconnected, whatever `fn` does. */
import type { Admin, Kafka } from 'kafkajs';

/**
 * Connects an admin client of `kafka`, runs `fn` with it and disconnects it afterwards, also when
 * the connection or `fn` failed. Use it wherever an admin is needed for a moment (topic creation,
 * health probes, offsets), so no connection is ever left open.
 */
export async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
