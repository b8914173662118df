/**
 * Trend lines of the operations centre, drawn with ECharts and loaded lazily.
 * The chart is an image to assistive technology; the table beside it is its text.
 */
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const COLORS = ['#1c7ed6', '#c92a2a', '#2b8a3e', '#e67700'];

export default function OperationsChart({ periods, series, alt }: { periods: string[]; series: { name: string; values: (number | null)[] }[]; alt: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.setOption({
      animation: false,
      aria: { enabled: false },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: { color: '#212529' } },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: periods, axisLabel: { color: '#495057' } },
      yAxis: { type: 'value', axisLabel: { color: '#495057' } },
      series: series.map((s, i) => ({ name: s.name, type: 'line', data: s.values, connectNulls: true, itemStyle: { color: COLORS[i % COLORS.length] }, lineStyle: { width: 2 }, symbolSize: 6 })),
    });
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      chart.dispose();
    };
  }, [periods, series]);
  return <div ref={ref} role="img" aria-label={alt} style={{ width: '100%', height: 300 }} data-testid="ops-trend-chart" />;
}
