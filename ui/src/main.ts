// Entry point: puts the theme on <html> before the first paint, then mounts the
// window's root component.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { settings } from './lib/stores/settings.svelte';

document.documentElement.dataset.theme = settings.resolvedTheme;

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
