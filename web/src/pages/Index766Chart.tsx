/**
 * The 766 index's groups as horizontal bars (score, points the province's data
 * can score, full points), drawn with ECharts. Loaded lazily (React.lazy) so
 * the chart library is fetched only by this page. The chart is an image to
 * assistive technology; its text alternative is the groups table next to it.
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface GroupBar {
  name: string;
  score: number;
  computable: number;
  points: number;
}

export default function Index766Chart({ groups, labels, alt }: { groups: GroupBar[]; labels: { score: string; computable: string; points: string }; alt: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    const names = groups.map((g) => g.name);
    chart.setOption({
      animation: false,
      aria: { enabled: false },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, itemGap: 8, itemWidth: 14, textStyle: { color: '#212529', fontSize: 11 } },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'value', min: 0, max: Math.max(...groups.map((g) => g.points), 1), axisLabel: { color: '#495057' } },
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { color: '#212529', width: 130, overflow: 'break' } },
      series: [
        { name: labels.score, type: 'bar', data: groups.map((g) => g.score), itemStyle: { color: '#c92a2a' }, barGap: '10%', label: { show: true, position: 'right', color: '#212529' } },
        { name: labels.computable, type: 'bar', data: groups.map((g) => g.computable), itemStyle: { color: '#868e96' } },
        { name: labels.points, type: 'bar', data: groups.map((g) => g.points), itemStyle: { color: '#dee2e6' } },
      ],
    });
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      chart.dispose();
    };
  }, [groups, labels]);
  return <div ref={ref} role="img" aria-label={alt} style={{ width: '100%', height: Math.max(280, groups.length * 64 + 60) }} data-testid="index766-chart" />;
}
