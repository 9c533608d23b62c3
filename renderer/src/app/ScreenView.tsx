import { useAppStore } from '../store';

export function ScreenView() {
  const route = useAppStore((s) => s.route);
  const info = useAppStore((s) => s.info);
  return (
    <section>
      <h1>{route.screen}</h1>
      <p data-testid="runtime">{info.value?.runtime}</p>
    </section>
  );
}
