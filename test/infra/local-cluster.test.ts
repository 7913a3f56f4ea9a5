import { describe, expect, it } from 'vitest';
import {
  CLUSTER_SIZE,
  clusterBrokers,
  clusterNodes,
  InfraError,
  localInfraConfig,
} from '../../infra/scripts/local-infra.ts';

describe('the local three-node cluster layout', () => {
  it('puts clients on 19092-19094 and controllers on 19192-19194 by default, away from 9092/9093', () => {
    const config = localInfraConfig({});
    expect(CLUSTER_SIZE).toBe(3);
    expect(clusterBrokers(config)).toEqual(['127.0.0.1:19092', '127.0.0.1:19093', '127.0.0.1:19094']);
    expect(clusterNodes(config).map((n) => [n.id, n.port, n.controllerPort])).toEqual([
      [1, 19092, 19192],
      [2, 19093, 19193],
      [3, 19094, 19194],
    ]);
  });

  it('moves with KAFKA_CLUSTER_PORT_BASE and keeps each node in its own data dir', () => {
    const nodes = clusterNodes(localInfraConfig({ KAFKA_CLUSTER_PORT_BASE: '29000' }));
    expect(nodes.map((n) => n.port)).toEqual([29000, 29001, 29002]);
    expect(nodes.map((n) => n.controllerPort)).toEqual([29100, 29101, 29102]);
    expect(new Set(nodes.map((n) => n.dataDir)).size).toBe(3);
    for (const n of nodes) expect(n.dataDir).toMatch(new RegExp(`\\.local/kafka-cluster/node-${n.id}/data$`));
  });

  it('names the variable when the base leaves no room for the controllers', () => {
    expect(() => localInfraConfig({ KAFKA_CLUSTER_PORT_BASE: '65500' })).toThrow(InfraError);
    expect(() => localInfraConfig({ KAFKA_CLUSTER_PORT_BASE: 'x' })).toThrow(/KAFKA_CLUSTER_PORT_BASE/);
  });
});
