/**
 * The map renderer, in one place. maplibre-gl is the open fork of mapbox-gl 1.x; the console uses
 * only the API the two share (Map, GeoJSON sources, layers, Marker, Popup, fitBounds, events), so
 * switching renderer is this import (`import gl from 'mapbox-gl'` for mapbox-gl 1.x, which needs no
 * token either). Its worker is a file of our own build, so no request leaves the gateway's origin.
 */
import * as gl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';

gl.setWorkerUrl(workerUrl);

export { gl };
