import { describe, expect, it } from 'vitest';
import { importGraphml } from './graphml-import.js';
import { jurisdictionProblems } from './jurisdiction.js';
import { drivableClass, importOsmGraph, parseMaxspeed, wayDirection } from './osm-import.js';
import { completePack } from './placement.js';
import { RoadClass } from './road-class.js';
import { sharedRoadFile } from './test-support.js';

describe('OSM tag rules', () => {
  it('reads one-way rules', () => {
    expect(wayDirection({ highway: 'residential', oneway: 'yes' })).toBe(1);
    expect(wayDirection({ highway: 'residential', oneway: '-1' })).toBe(-1);
    expect(wayDirection({ highway: 'primary', junction: 'roundabout' })).toBe(1);
    expect(wayDirection({ highway: 'motorway' })).toBe(1);
    expect(wayDirection({ highway: 'motorway', oneway: 'no' })).toBe(0);
    expect(wayDirection({ highway: 'residential' })).toBe(0);
  });

  it('keeps drivable roads only', () => {
    expect(drivableClass({ highway: 'primary_link' })).toBe(RoadClass.primary);
    expect(drivableClass({ highway: 'footway' })).toBeUndefined();
    expect(drivableClass({ highway: 'residential', access: 'no' })).toBeUndefined();
    expect(drivableClass({ highway: 'residential', access: 'no', motor_vehicle: 'yes' })).toBe(
      RoadClass.residential,
    );
    expect(drivableClass({ highway: 'service', area: 'yes' })).toBeUndefined();
  });

  it('parses maxspeed', () => {
    expect(parseMaxspeed('50', RoadClass.residential)).toBe(50);
    expect(parseMaxspeed('30 mph', RoadClass.residential)).toBeCloseTo(48.28, 2);
    expect(parseMaxspeed('FR:urban', RoadClass.primary)).toBe(50);
    expect(parseMaxspeed('none', RoadClass.motorway)).toBe(100);
    expect(parseMaxspeed(undefined, RoadClass.residential)).toBe(30);
  });
});

describe('real extracts', () => {
  const pbf = sharedRoadFile('andorra.osm.pbf');
  it.skipIf(!pbf)('imports andorra.osm.pbf (own PBF decoder) into a strongly connected graph', () => {
    let lastProgress = 0;
    const { graph, stats, format } = importOsmGraph(pbf as string, { onProgress: (d) => (lastProgress = d) });
    expect(format).toBe('pbf');
    expect(stats.osmNodes).toBeGreaterThan(60_000);
    expect(stats.drivableWays).toBeGreaterThan(1000);
    expect(graph.nodeCount).toBeGreaterThan(10_000);
    expect(lastProgress).toBe(565_390);
    // Inside Andorra's bounding box.
    for (let i = 0; i < graph.nodeCount; i += 101) {
      expect(graph.lon[i]).toBeGreaterThan(1.3);
      expect(graph.lon[i]).toBeLessThan(1.9);
      expect(graph.lat[i]).toBeGreaterThan(42.3);
      expect(graph.lat[i]).toBeLessThan(42.8);
    }
    const pack = completePack(graph, { name: 'andorra', source: 'osm-pbf' });
    expect(pack.posts.length).toBeGreaterThan(3);
    const kinds = (k: string) => pack.units.filter((u) => u.kind === k).length;
    expect(kinds('patrol_car') + kinds('motorcycle')).toBe(pack.posts.length * 2 + pack.stations.length);
    // An imported city gets the same people and places as a generated one.
    expect(kinds('community_officer')).toBe(pack.cells.length);
    expect(kinds('duty_desk')).toBe(pack.stations.length);
    expect(pack.districts.flatMap((d) => d.stationIds).sort()).toEqual(pack.stations.map((s) => s.id).sort());
    expect(jurisdictionProblems(pack)).toEqual([]);
  });

  const xml = sharedRoadFile('monaco.osm.gz');
  it.skipIf(!xml)('imports monaco.osm.gz with its one-way streets', () => {
    const { graph, stats, format } = importOsmGraph(xml as string);
    expect(format).toBe('xml');
    expect(stats.osmNodes).toBe(13_739);
    expect(stats.oneWayWays).toBeGreaterThan(50);
    let oneWayEdges = 0;
    for (let e = 0; e < graph.edgeCount; e++)
      if (graph.findEdge(graph.head[e] as number, graph.tail[e] as number) < 0) oneWayEdges++;
    expect(oneWayEdges).toBeGreaterThan(100);
  });

  const graphml = sharedRoadFile('Winterswijk.graph.graphml');
  it.skipIf(!graphml)('imports the Winterswijk OSMnx GraphML with its node ids and travel times', () => {
    const g = importGraphml(graphml as string);
    expect(g.nodeCount).toBe(1926);
    expect(g.edgeCount).toBe(4624);
    expect(Number.isInteger(g.nodeId[0])).toBe(true);
    expect(g.indexOfNodeId(g.nodeId[10] as number)).toBe(10);
    // Median edge travel time ~7.2 s per SOURCES.txt (OSMnx travel_time = length / speed).
    const sorted = Array.from(g.freeFlowS).sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeGreaterThan(6.5);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(8);
  });
});
