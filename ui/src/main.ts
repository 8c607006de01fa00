// Entry point: puts the theme on <html> before the first paint, then mounts the
// window's root component.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { settings } from './lib/stores/settings.svelte';

// When the bundle was parsed and its modules ran (`make measure-app` reads the marks).
performance.mark('weft:script');
document.documentElement.dataset.theme = settings.resolvedTheme;

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const app = mount(App, { target });
performance.mark('weft:mounted');
export default app;
