/** Charts with Chart.js (registered piecemeal so the bundle holds only what is drawn). */
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  DoughnutController,
  ArcElement,
  Legend,
  Tooltip,
);
Chart.defaults.color = '#cbd5e1';
Chart.defaults.borderColor = '#1f2a3d';
Chart.defaults.font.family = 'system-ui, "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif';
Chart.defaults.animation = false;

export interface ChartHandle {
  destroy(): void;
}

export interface Series {
  readonly label: string;
  readonly data: readonly number[];
  readonly color?: string;
  readonly colors?: readonly string[];
}

export function barChart(
  canvas: HTMLCanvasElement,
  labels: readonly string[],
  series: readonly Series[],
  horizontal = false,
): ChartHandle {
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: [...labels],
      datasets: series.map((s) => ({
        label: s.label,
        data: [...s.data],
        backgroundColor: s.colors ? [...s.colors] : (s.color ?? '#60a5fa'),
      })),
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: series.length > 1 } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}

export function doughnutChart(
  canvas: HTMLCanvasElement,
  labels: readonly string[],
  data: readonly number[],
  colors: readonly string[],
): ChartHandle {
  return new Chart(canvas, {
    type: 'doughnut',
    data: {
      labels: [...labels],
      datasets: [{ data: [...data], backgroundColor: [...colors], borderWidth: 0 }],
    },
    options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { position: 'right' } } },
  });
}
