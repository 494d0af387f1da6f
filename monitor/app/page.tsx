import { LiveDashboard } from './ui/live-dashboard';

// A static page: everything live is fetched by the browser from the gateway that served it.
export default function Page() {
  return <LiveDashboard />;
}
